"""The Alpine Ski House staff policies: a seventh sample corpus for Colonnade.

A fictional mountain resort operator with its head office on Maria-Theresien-Strasse in
Innsbruck and resorts in Sölden and St. Anton am Arlberg (Austria), Verbier (Switzerland) and
Val d'Isère (France): lifts, a ski school, equipment rental shops, two hotels (Hotel Edelweiss in
St. Anton and Hotel Le Chamois in Val d'Isère) with their restaurants, mountain restaurants and
a ski patrol, staffed by seasonal and year-round staff. Each entry is one document: its path
under examples/alpineski/ (the extension picks the format), a title, optional metadata, and
sections of paragraphs and tables. Rendered by scripts/build_collection.py alpineski. PDF
documents write amounts as "EUR" and "CHF" and ranges with "to", the way the PDF renderer would
print them.
"""

from __future__ import annotations

from typing import Any

Doc = dict[str, Any]

DOCS: list[Doc] = [
    # ---------------------------------------------------------------- people
    {
        "path": "people/seasonal-contracts-and-housing.pdf",
        "title": "Seasonal Contracts and Staff Housing",
        "meta": {"owner": "People and Culture", "department": "people", "effective": "2025-09-01"},
        "sections": [
            (
                "Seasonal and year-round contracts",
                [
                    "Seasonal staff are employed on a fixed-term contract for one winter or one summer season at one resort. Year-round staff have a permanent contract and work at the head office in Innsbruck or in a resort's management, maintenance, sales or patrol leadership teams.",
                    "A seasonal contract ends on the last day of the season shown below. If a resort closes early for lack of snow, seasonal contracts at that resort end 14 days after the closure is announced, and those 14 days are paid in full whether or not there is work.",
                    {
                        "table": [
                            ["Resort", "Country", "Winter season", "Summer season"],
                            ["Sölden", "Austria", "10 October to 3 May", "20 June to 20 September"],
                            [
                                "St. Anton am Arlberg",
                                "Austria",
                                "28 November to 26 April",
                                "27 June to 13 September",
                            ],
                            [
                                "Verbier",
                                "Switzerland",
                                "5 December to 19 April",
                                "4 July to 30 August",
                            ],
                            ["Val d'Isère", "France", "28 November to 3 May", "Not operated"],
                        ]
                    },
                    "The first month of a seasonal contract in Austria and Switzerland, and the first 2 weeks in France, are a trial period during which either side can end the contract without notice.",
                ],
            ),
            (
                "Coming back next season",
                [
                    "Seasonal staff who finish a season in good standing receive a return offer for the same season of the following year: by 15 March for the next winter and by 31 October for the next summer. Accept it in StaffHub within 21 days, or the place is offered to someone else. Returning staff keep their pay step and count their previous seasons for the staff ski pass.",
                    "Seasonal staff who work until the last day of their contract receive a completion bonus of EUR 400, or CHF 450 in Verbier, paid with the final salary. It is not paid to staff who resign before the end of the season or are dismissed, unless they left for a medical reason confirmed by a doctor.",
                ],
            ),
            (
                "Who can have staff housing",
                [
                    "Seasonal staff whose home is more than 40 km from their resort are offered a place in staff housing for the length of their contract. Year-round staff may rent a studio when one is free, for up to 12 months at a time. Partners, children and friends who do not work for Alpine Ski House cannot live in staff housing.",
                    "Rent is deducted from monthly pay and includes heating, electricity, Wi-Fi and bed linen.",
                    {
                        "table": [
                            [
                                "Room type",
                                "Austria",
                                "Switzerland (Verbier)",
                                "France (Val d'Isère)",
                            ],
                            [
                                "Shared room, 2 people",
                                "EUR 190 a month",
                                "CHF 320 a month",
                                "EUR 230 a month",
                            ],
                            [
                                "Single room, shared bathroom",
                                "EUR 290 a month",
                                "CHF 480 a month",
                                "EUR 340 a month",
                            ],
                            [
                                "Studio with kitchenette (team leaders and year-round staff only)",
                                "EUR 450 a month",
                                "CHF 720 a month",
                                "EUR 520 a month",
                            ],
                        ]
                    },
                ],
            ),
            (
                "Deposit and moving out",
                [
                    "A deposit of one month's rent is deducted from your first payslip. It is repaid within 30 days of moving out, less the cost of any damage, EUR 60 (CHF 70) for each key or key card not returned, and a cleaning charge of EUR 80 (CHF 90) if the room is not left clean.",
                    "Move out within 3 days of the last working day of your contract. Staff whose contract is ended during the trial period move out within 7 days.",
                ],
            ),
            (
                "House rules",
                [
                    "Quiet hours are 22:00 to 07:00. An overnight guest may stay no more than 2 nights a week and must be registered with the housing manager beforehand. Smoking, candles, cooking in bedrooms and pets are not allowed anywhere in staff housing. Skis and boards are kept in the ski room, never in the bedrooms.",
                    "The housing manager inspects every room once a month, with 24 hours' notice. Report repairs in StaffHub; urgent faults such as no heating or a water leak are reported to the resort's housing line at any hour. Three written warnings for breaking the house rules in one season lead to the loss of the room, with 7 days' notice.",
                ],
            ),
        ],
    },
    {
        "path": "people/annual-leave.html",
        "title": "Annual Leave and Season Blackout Periods",
        "meta": {"owner": "People and Culture", "department": "people"},
        "sections": [
            (
                "Year-round staff",
                [
                    "The leave year runs from 1 May to 30 April, so that it starts when the winter season ends. Full-time year-round staff receive the annual leave below, plus the public holidays of the country, or in Switzerland the canton, where they work. Part-time staff receive it pro rata.",
                    {
                        "table": [
                            [
                                "Completed years of service on 1 May",
                                "Austria and France",
                                "Switzerland",
                            ],
                            ["Less than 5 years", "25 working days", "22 working days"],
                            ["5–9 years", "26 working days", "23 working days"],
                            ["10–24 years", "28 working days", "25 working days"],
                            ["25 years or more", "30 working days", "27 working days"],
                        ]
                    },
                ],
            ),
            (
                "Seasonal staff",
                [
                    "Seasonal staff earn 2.1 days of leave for each full month of their contract. Up to 5 of those days can be taken during the season, on days agreed with the resort manager and outside the blackout periods; the rest are paid out with the final salary. Leave cannot be taken in the first month of a contract.",
                ],
            ),
            (
                "Booking leave",
                [
                    "Request leave in StaffHub at least 4 weeks ahead for more than 3 days in a row, and at least 1 week ahead for 1 to 3 days. Your manager approves or refuses it within 5 working days; a request that has not been answered is not approved. Swapping a day off with a colleague on the same roster is not leave: arrange it in ShiftBoard with your team leader's approval.",
                ],
            ),
            (
                "Blackout periods",
                [
                    "During the busiest weeks of each season, teams take no leave:",
                    {
                        "table": [
                            ["Team", "Blackout period"],
                            [
                                "Lifts, ski school, rental shops and ski patrol",
                                "20 December to 6 January, and 1 February to 8 March",
                            ],
                            [
                                "Hotels and mountain restaurants",
                                "18 December to 7 January, 1 February to 15 March, and Easter week",
                            ],
                            [
                                "Head office sales and guest services",
                                "1 October to 30 November",
                            ],
                            ["Finance and payroll", "25 April to 20 May"],
                            ["Any other team", "24 December to 2 January"],
                        ]
                    },
                    "During a blackout period, leave is approved only by the resort director, and only for your own wedding, the birth or adoption of your child, or a family emergency. Leave approved before a blackout period was announced is honoured.",
                ],
            ),
            (
                "Carrying over and leaving",
                [
                    "Year-round staff can carry up to 5 days into the next leave year; they must be taken by 31 October. Days you could not take because of illness or parental leave are carried over in full. Leave that has not been taken when you leave is paid with your final salary, and leave taken beyond your entitlement is deducted from it.",
                ],
            ),
        ],
    },
    {
        "path": "benefits/staff-ski-pass.md",
        "title": "Staff Ski Pass, Equipment and Discounts",
        "meta": {
            "owner": "People and Culture",
            "department": "benefits",
            "effective": "2025-11-01",
        },
        "sections": [
            (
                "The staff ski pass",
                [
                    "Everyone with a winter contract of at least 8 weeks receives a free staff season pass, collected from the ticket office of their resort with their Staff ID card. The pass is personal. Lending it to anyone, even for one run, means it is withdrawn for the rest of the season and the matter is treated as misconduct.",
                    "Staff ski only outside their working hours, except those whose work is on the slopes. A lost pass is blocked at any ticket office and replaced for €25 (CHF 30 in Verbier).",
                ],
            ),
            (
                "What you get by length of service",
                [
                    "Every completed winter season with Alpine Ski House counts. Year-round staff count each completed year of service as one season and receive at least the 3–5 seasons benefits from their first winter.",
                    {
                        "table": [
                            [
                                "Seasons completed",
                                "Staff pass valid in",
                                "Day passes for friends",
                                "Partner and children",
                            ],
                            [
                                "None (first season)",
                                "Your own resort",
                                "None",
                                "50% off the public season pass",
                            ],
                            [
                                "1–2 seasons",
                                "All four resorts",
                                "2 a season",
                                "50% off the public season pass",
                            ],
                            [
                                "3–5 seasons",
                                "All four resorts",
                                "5 a season",
                                "Free pass for one partner; children under 16 at 75% off",
                            ],
                            [
                                "6 seasons or more",
                                "All four resorts",
                                "10 a season",
                                "Free passes for one partner and for children under 16",
                            ],
                        ]
                    },
                    "Day passes for friends are issued at the ticket office against your Staff ID card and cannot be used between 20 December and 6 January.",
                ],
            ),
            (
                "Rental equipment and shop discount",
                [
                    "Staff rent skis, snowboards, boots and helmets from any Alpine Ski House rental shop free of charge for up to 14 days a season, and at 70% off after that. In the resort shops staff receive 30% off new equipment and clothing, or 10% off items that are already reduced.",
                    "Ski instructors and patrollers receive an equipment allowance of €350 (CHF 380 in Verbier) each winter towards their own skis, boards or boots, claimed in ClaimPoint with a receipt by 31 January.",
                ],
            ),
            (
                "Meals, hotels and lessons",
                [
                    "Staff on a shift of 6 hours or more receive a free meal in the staff canteen. In the mountain restaurants staff pay half price for their own food and soft drinks, on showing their Staff ID card.",
                    "Staff can stay at Hotel Edelweiss in St. Anton or Hotel Le Chamois in Val d'Isère at 40% off the room rate for up to 7 nights a year, between 20 April and 30 November only.",
                    "Staff may join a ski school group lesson free of charge when places are still free the evening before. Children of staff get 50% off the Kids Club.",
                ],
            ),
        ],
    },
    {
        "path": "people/overtime-night-holiday-pay.pdf",
        "title": "Overtime, Night Work and Public Holiday Pay",
        "meta": {"owner": "Payroll", "department": "people", "effective": "2025-12-01"},
        "sections": [
            (
                "Working hours and rosters",
                [
                    "Full-time staff work 40 hours a week in Austria, 42 hours a week in Switzerland and 35 hours a week in France, averaged over the season. Rosters are published in ShiftBoard 2 weeks ahead. Nobody is rostered for more than 6 days in a row or more than 10 hours in a day, and there are at least 11 hours of rest between two shifts. Ski patrol may exceed these limits during an avalanche or a rescue.",
                ],
            ),
            (
                "Overtime",
                [
                    "Overtime is time worked beyond your contracted weekly hours that your manager approved beforehand in ShiftBoard. Time that was not approved beforehand is paid only if it was needed to keep guests safe, such as finishing a lift evacuation, and your manager confirms it within 48 hours.",
                    {
                        "table": [
                            [
                                "Country",
                                "Overtime",
                                "Night work (22:00 to 06:00)",
                                "Public holiday worked",
                            ],
                            [
                                "Austria",
                                "Basic hourly rate plus 50%",
                                "EUR 4.20 an hour",
                                "Basic hourly rate plus 100%",
                            ],
                            [
                                "Switzerland",
                                "Basic hourly rate plus 25%",
                                "CHF 6.50 an hour",
                                "Basic hourly rate plus 50%, and a day off in lieu",
                            ],
                            [
                                "France",
                                "Basic hourly rate plus 25% for the first 8 hours in a week, plus 50% after that",
                                "EUR 3.80 an hour",
                                "Basic hourly rate plus 100%",
                            ],
                        ]
                    },
                    "Instead of overtime pay you can ask for time off in lieu: 1.5 hours for each hour of overtime in Austria and 1.25 hours in Switzerland and France. Take it within 3 months, or before your contract ends if that is sooner; time off in lieu that has not been taken is paid.",
                ],
            ),
            (
                "Night work and snowmaking",
                [
                    "Piste grooming, snowmaking and night security are night work. The night allowance is paid for every hour worked between 22:00 and 06:00, on top of overtime pay where the hour is also overtime. Staff who work at least 3 nights a week have a free health check with the occupational doctor every season.",
                    "Snowmaking crews receive a cold weather allowance of EUR 15 a night (CHF 20 in Verbier) when the temperature at the snow guns is below minus 15 degrees Celsius at any time during the shift.",
                ],
            ),
            (
                "On-call",
                [
                    "Lift technicians and ski patrol on the night on-call rota receive EUR 40 (CHF 55 in Verbier) for each night on call. Each call-out is paid as at least 2 hours at the overtime rate. Staff on call stay within 30 minutes of the base station and do not drink alcohol.",
                ],
            ),
            (
                "When you are paid",
                [
                    "Overtime, allowances and on-call pay approved in ShiftBoard by the 20th of a month are paid with that month's salary; anything approved later is paid the following month. Check them on your payslip in StaffHub and tell Payroll within 2 months if something is missing.",
                ],
            ),
        ],
    },
    {
        "path": "people/parental-leave.docx",
        "title": "Maternity, Paternity and Parental Leave",
        "meta": {"owner": "People and Culture", "department": "people"},
        "sections": [
            (
                "Leave around the birth",
                [
                    "Statutory maternity and partner leave depend on the country where you work. Alpine Ski House adds to the statutory pay as shown below for staff with at least 12 months' service, or 2 completed seasons for seasonal staff.",
                    {
                        "table": [
                            [
                                "Country",
                                "Maternity leave",
                                "Partner leave",
                                "Alpine Ski House top-up",
                            ],
                            [
                                "Austria",
                                "8 weeks before and 8 weeks after the birth (12 weeks after for a caesarean, premature or multiple birth)",
                                "1 month (Papamonat), within 91 days of the birth",
                                "Full pay for the 8 weeks after the birth",
                            ],
                            [
                                "Switzerland",
                                "14 weeks at 80% of salary from the income compensation fund",
                                "2 weeks, within 6 months of the birth",
                                "Full pay for all 14 weeks",
                            ],
                            [
                                "France",
                                "16 weeks (26 weeks from the third child)",
                                "28 days, of which 7 are taken right after the birth",
                                "Full pay for the first 10 weeks",
                            ],
                        ]
                    },
                    "Adoptive parents receive the same leave and top-up as birth parents, counted from the day the child comes to live with them.",
                ],
            ),
            (
                "During pregnancy",
                [
                    "Tell your manager and People and Culture as soon as you are comfortable doing so. From then on you are not rostered for lift operation at top stations, ski patrol, snowmaking, night work or work at height; your manager finds you other work at the same pay, or you are released on full pay if there is none. Time off for antenatal appointments is paid.",
                ],
            ),
            (
                "Parental leave after maternity leave",
                [
                    "In Austria either parent may take unpaid parental leave (Karenz) until the child's second birthday; tell People and Culture at least 3 months before the leave starts. In France either parent may take a congé parental d'éducation of up to 1 year, renewable twice. In Switzerland there is no statutory parental leave, but year-round staff may ask for up to 3 months' unpaid leave before the child's first birthday.",
                    "Year-round staff with at least 3 years' service may return part-time until their child's seventh birthday, and choose whether to work mornings or whole days.",
                ],
            ),
            (
                "Seasonal staff",
                [
                    "A seasonal contract that ends during maternity or partner leave is not extended. A seasonal worker who is pregnant or on maternity leave when return offers are made receives a return offer on the same terms as if she had worked the whole season, and may start up to 8 weeks after the season opens.",
                ],
            ),
            (
                "Childcare",
                [
                    "Children of staff aged 18 months to 6 years can attend the crèches at the Kids Clubs in St. Anton and Val d'Isère for €15 a day, booked in StaffHub at least 2 days ahead. Places are limited to 12 staff children per crèche each day.",
                ],
            ),
        ],
    },
    # ------------------------------------------------------------ ski school
    {
        "path": "ski-school/instructor-levels-and-training.html",
        "title": "Ski Instructor Levels, Training and First Aid Certificates",
        "meta": {"owner": "Ski School Management", "department": "ski-school"},
        "sections": [
            (
                "Instructor levels and pay",
                [
                    "Ski and snowboard instructors are paid by the hour of teaching, at the rate of their level. Private lessons are paid €4 an hour more (CHF 6 in Verbier).",
                    {
                        "table": [
                            ["Level", "Qualifications accepted", "May teach", "Hourly rate"],
                            [
                                "Level 1 (Trainee)",
                                "Austrian Anwärter, BASI Level 1 or the Swiss Snowsports Instructor course",
                                "Beginner groups and the Kids Club, under a Level 3 instructor's supervision",
                                "€16.50 (CHF 27 in Verbier)",
                            ],
                            [
                                "Level 2 (Instructor)",
                                "Austrian Landesskilehrer, BASI Level 2 or Swiss Snowsports Instructor",
                                "Groups and private lessons on blue and red runs",
                                "€21.00 (CHF 33 in Verbier)",
                            ],
                            [
                                "Level 3 (Senior instructor)",
                                "Staatlich geprüfter Skilehrer, BASI Level 3 or Swiss federal certificate",
                                "All lessons on marked runs; off-piste only with the off-piste module",
                                "€27.50 (CHF 42 in Verbier)",
                            ],
                            [
                                "Level 4 (Trainer)",
                                "ISIA card, BASI Level 4 or the French Diplôme d'État",
                                "All lessons, including off-piste and training other instructors",
                                "€34.00 (CHF 52 in Verbier)",
                            ],
                        ]
                    },
                    "In Val d'Isère, French law allows only instructors with the Diplôme d'État, or a qualification recognised in France such as a level with the Eurotest and Eurosecurity, to teach for pay; Level 1 and Level 2 instructors there work as trainees under the supervision of the ski school director.",
                ],
            ),
            (
                "Moving up a level",
                [
                    "Instructors who have completed at least 2 seasons with Alpine Ski House can ask for the next level's course. Alpine Ski House pays the course and exam fees and gives up to 10 days of paid training leave a season. A failed exam can be retaken once at Alpine Ski House's cost; further retakes are at your own cost.",
                    {
                        "table": [
                            ["You leave Alpine Ski House", "You repay"],
                            [
                                "Before the end of the next season after qualifying",
                                "100% of the fees",
                            ],
                            ["During the second season after qualifying", "50% of the fees"],
                            ["After the second season after qualifying", "Nothing"],
                        ]
                    },
                    "Your new hourly rate applies from the first day of the month after you send the certificate to the ski school office.",
                ],
            ),
            (
                "First aid certificates",
                [
                    "Every role has a first aid certificate that must be valid before the first shift of the season. Courses are booked in StaffAcademy and paid for by Alpine Ski House, and course days are paid working time.",
                    {
                        "table": [
                            ["Role", "Certificate required", "Renewal"],
                            [
                                "Ski patrol",
                                "Outdoor Emergency Care (OEC) or the national piste rescue certificate",
                                "Every 2 years, with a refresher course each December",
                            ],
                            [
                                "Ski instructors",
                                "16-hour outdoor first aid course",
                                "Every 3 years",
                            ],
                            [
                                "Lift operators",
                                "8-hour first aid course including defibrillator use",
                                "Every 2 years",
                            ],
                            [
                                "Hotel and restaurant staff",
                                "First aid at work, for at least 1 first aider per 20 staff on each shift",
                                "Every 3 years",
                            ],
                            [
                                "Any other role",
                                "The first aid awareness module in StaffAcademy",
                                "Every year",
                            ],
                        ]
                    },
                    "Staff whose certificate has expired cannot work in their role until it is renewed; the ski school office or your manager moves you to other work in the meantime.",
                ],
            ),
            (
                "Season induction",
                [
                    "Every seasonal worker, new or returning, completes the 1-day paid season induction before their first shift. It covers the resort's emergency procedures, radio use, guest service and data protection, and ends with a ride on every lift with a lift supervisor.",
                ],
            ),
        ],
    },
    # ------------------------------------------------------------ operations
    {
        "path": "operations/lift-and-avalanche-safety.pdf",
        "title": "Lift Operations and Avalanche Safety",
        "meta": {
            "owner": "Mountain Operations",
            "department": "operations",
            "effective": "2025-11-15",
        },
        "sections": [
            (
                "Daily lift checks",
                [
                    "Before a lift opens to guests, the lift operator and the technician on duty complete the daily check in LiftLog: brakes, emergency drive, the phone and radio link with every station, the safety gates and stop buttons, and at least one full circuit of the line with no passengers. The lift opens only when the duty lift supervisor has signed the check off in LiftLog. A lift with a fault marked red in LiftLog never opens.",
                ],
            ),
            (
                "Wind limits",
                [
                    "Wind speed is measured at the anemometer on the top station. A lift is slowed down, or closed, when the limit below is exceeded for more than 2 minutes, or by 3 gusts within 10 minutes.",
                    {
                        "table": [
                            ["Lift type", "Slow down at", "Close at"],
                            ["Gondola and cable car", "55 km/h", "75 km/h"],
                            ["Detachable chairlift with bubbles", "45 km/h", "60 km/h"],
                            ["Fixed-grip chairlift", "40 km/h", "55 km/h"],
                            ["T-bar and button lift", "50 km/h", "65 km/h"],
                            [
                                "Any other lift, including magic carpets",
                                "Manufacturer's limit",
                                "Manufacturer's limit",
                            ],
                        ]
                    },
                    "All lifts close when lightning is detected within 10 km of any station, and stay closed until 30 minutes after the last strike.",
                ],
            ),
            (
                "Lift stoppage and evacuation",
                [
                    "1. When a lift stops with guests on the line, tell them by loudspeaker within 5 minutes what has happened and that help is coming.",
                    "2. The technician tries to restart the lift, first with the main drive and then with the emergency drive.",
                    "3. If the lift has not moved within 30 minutes of stopping, the duty lift supervisor orders a rope evacuation and calls the ski patrol on radio channel 1.",
                    "4. Guests are evacuated from the chairs or cabins nearest the stations first. The whole line must be cleared within 3.5 hours of the stoppage.",
                    "5. Record the stoppage in LiftLog, and any guest who was hurt or evacuated in PatrolNet, before the end of the shift.",
                ],
            ),
            (
                "Avalanche danger levels",
                [
                    "The avalanche commission of each resort sets the danger level every morning by 07:30, using the European scale. It is shown at every lift station and on the resort app.",
                    {
                        "table": [
                            ["Danger level", "What we do"],
                            ["1 Low", "Normal operation"],
                            [
                                "2 Moderate",
                                "Normal operation; patrol checks closed-area signs and ropes every morning",
                            ],
                            [
                                "3 Considerable",
                                "Exposed runs open only after avalanche control; off-piste lessons only with a Level 4 instructor or a mountain guide",
                            ],
                            [
                                "4 High",
                                "Exposed runs and lifts stay closed until the avalanche commission releases them; no off-piste lessons",
                            ],
                            ["5 Very high", "The resort is closed"],
                        ]
                    },
                ],
            ),
            (
                "Avalanche control and closed areas",
                [
                    "Avalanche control with explosives or gas exploders is carried out only by certified blasters of the ski patrol, before 08:00 and with the runs below closed. Staff never cross a closed-area rope or sign, on or off duty.",
                    "Staff who work away from the marked runs carry an avalanche transceiver, shovel and probe, and check the transceiver at the start of every shift. Staff who ski the runs before they open to guests tell the patrol base on radio channel 2 before they set off and when they are back.",
                ],
            ),
        ],
    },
    {
        "path": "operations/alcohol-and-drugs.docx",
        "title": "Alcohol, Drugs and Fitness for Duty",
        "meta": {"owner": "Mountain Operations", "department": "operations"},
        "sections": [
            (
                "Safety-critical roles",
                [
                    "This policy applies to all staff, with stricter rules for safety-critical roles: lift operators and lift technicians, ski patrol, piste machine drivers and snowmaking crews, drivers of staff buses and snowmobiles, and ski instructors while they are teaching.",
                ],
            ),
            (
                "The rules",
                [
                    "Staff in safety-critical roles have a zero limit: they drink no alcohol in the 8 hours before a shift or during it, and a breath test above 0.0 per mille means they cannot work. All other staff must not be under the influence of alcohol or drugs at work. Bar, restaurant and hotel staff do not drink on shift, even when a guest offers them a drink.",
                    "Cannabis, including where it is legal to buy, is treated like any other drug. If you take prescribed or over-the-counter medicine that can make you drowsy, tell your manager before your shift; it is kept confidential and you are given other work if needed.",
                ],
            ),
            (
                "Testing",
                [
                    {
                        "table": [
                            ["When", "Who is tested", "How"],
                            [
                                "After an accident or near miss involving a lift, a piste machine or a snowmobile",
                                "Everyone operating it",
                                "Breath test within 2 hours",
                            ],
                            [
                                "A manager has reasonable grounds to suspect someone is unfit",
                                "That member of staff",
                                "Breath test, repeated 15 minutes later to confirm",
                            ],
                            [
                                "Random testing",
                                "5% of safety-critical staff each month, chosen by the LiftLog random selection",
                                "Breath test at the start of the shift",
                            ],
                        ]
                    },
                    "Tests are done by the duty lift supervisor or the head of patrol, with a witness. Refusing a test is treated as a positive result.",
                ],
            ),
            (
                "A positive result",
                [
                    "A member of staff who tests positive is sent home unpaid for the rest of the day, is suspended from safety-critical work and is invited to a disciplinary hearing. A second positive result within 12 months leads to dismissal. Staff who live in staff housing are taken home by a colleague; they never drive.",
                ],
            ),
            (
                "Staff events",
                [
                    "After a staff party or any evening event, staff in safety-critical roles who drank alcohol start work no earlier than 10 hours after their last drink; tell your supervisor before the shift if you need a later start.",
                ],
            ),
            (
                "Getting help",
                [
                    "The Employee Assistance Programme, BergHilfe, is free, confidential and open 24 hours a day on +43 800 224 466. Staff who ask for help with alcohol or drugs before they are tested or involved in an incident are not disciplined for it, and are supported with paid time off for treatment of up to 10 days.",
                ],
            ),
        ],
    },
    {
        "path": "guests/accidents-and-incidents.docx",
        "title": "Guest Accidents and Incident Reporting",
        "meta": {"owner": "Ski Patrol and Risk", "department": "guests"},
        "sections": [
            (
                "At the scene of an accident on the slopes",
                [
                    "1. Protect the scene: plant a pair of skis crossed in the snow above the injured guest, or ask another skier to stand there.",
                    "2. Call the ski patrol on the resort emergency number printed on the back of your Staff ID card, or on radio channel 1. Give the name of the run and the number of the nearest piste marker.",
                    "3. Do not move the guest unless they are in immediate danger, and do not take off their helmet or boots.",
                    "4. Stay with the guest and keep them warm until the patrol arrives, then write down what you saw.",
                    "If you cannot reach the patrol, call 112 in any of our countries. Only the ski patrol calls a helicopter.",
                ],
            ),
            (
                "What to report and when",
                [
                    {
                        "table": [
                            ["Incident", "Report in", "Deadline"],
                            [
                                "Guest injured on a run, on a lift or in a ski school lesson",
                                "PatrolNet accident form A1",
                                "Before the end of your shift",
                            ],
                            [
                                "Guest falls from a chairlift or is hurt in a lift incident",
                                "Phone the head of lifts, then PatrolNet form L1",
                                "Immediately; the head of lifts informs the lift authority within 24 hours",
                            ],
                            [
                                "Guest injured in a hotel, restaurant or rental shop",
                                "PatrolNet form G2",
                                "Within 24 hours",
                            ],
                            [
                                "Near miss in which nobody was hurt",
                                "PatrolNet form N1",
                                "Within 48 hours",
                            ],
                            [
                                "Any other incident, such as a lost child, a theft or damage to property",
                                "PatrolNet form G2",
                                "Within 24 hours",
                            ],
                        ]
                    },
                    "Take the names and phone numbers of at least 2 witnesses where there are any, and photograph the scene, the signs and the snow conditions with the PatrolNet app, never with your own camera app.",
                ],
            ),
            (
                "A lost child",
                [
                    "If a child is lost from a ski school group or the Kids Club, the instructor tells the ski school desk at once, and the desk calls the ski patrol if the child has not been found within 15 minutes. Lift staff at every station are given the child's description by radio. Parents are told by the ski school director, not by the instructor.",
                ],
            ),
            (
                "Guests, insurers and lawyers",
                [
                    "Show concern and help, but never admit fault or say that the resort or a colleague is to blame. Never give a guest a copy of a report; guests, their insurers and their lawyers ask Risk at head office, at risk@alpineskihouse.com, who answer within 10 working days. Pass on any letter or email from an insurer or a lawyer to Risk within 1 working day.",
                    "Guests taken off the slopes by the ski patrol are charged for the rescue: €420 in Austria and France and CHF 590 in Verbier, invoiced by the resort office.",
                ],
            ),
            (
                "Staff accidents",
                [
                    "Accidents to staff at work are reported in the same way, and also to People and Culture within 3 days, who notify the accident insurer: AUVA in Austria, Suva in Switzerland and the CPAM in France.",
                ],
            ),
        ],
    },
    {
        "path": "patrol/rescue-operations.docx",
        "title": "Ski Patrol Rescue Operations",
        "meta": {
            "owner": "Head of Ski Patrol",
            "department": "patrol",
            "acl": {"groups": ["patrol-team"]},
        },
        "sections": [
            (
                "Radio channels",
                [
                    {
                        "table": [
                            ["Channel", "Used for"],
                            ["Channel 1", "Emergency calls and accidents, all staff"],
                            ["Channel 2", "Patrol coordination and runs before opening"],
                            ["Channel 4", "Lifts and piste grooming"],
                            ["Channel 6", "Avalanche control teams only"],
                        ]
                    },
                    "Patrollers carry their radio switched on to channel 1 at all times on duty and check in with the patrol base every hour on channel 2.",
                ],
            ),
            (
                "Response standards",
                [
                    "A patrol team reaches 90% of accidents on the marked runs within 15 minutes of the call, and every accident within 30 minutes. The end-of-day sweep starts 15 minutes after the last lift closes; each sector team reports sector clear to the patrol base, and the base tells the lift supervisors when every sector is clear.",
                ],
            ),
            (
                "Avalanche burial",
                [
                    "1. Note the last seen point, tell the base on channel 1 and ask for the avalanche dog and the helicopter.",
                    "2. Switch every transceiver in the team to search and start the signal search from the last seen point.",
                    "3. Without a signal, start a probe line below the last seen point with at least 6 patrollers.",
                    "4. Dig from downhill and uncover the head and airway first.",
                    "The base calls the helicopter through the emergency number of the country: 140 in Austria, 1414 in Switzerland and 112 in France.",
                ],
            ),
            (
                "Helicopter landing",
                [
                    "Choose a landing zone of at least 30 by 30 metres with no loose snow, skis or poles on it. Stand at the upwind edge with your back to the wind and both arms raised in a Y. Approach the helicopter only from the front, when the pilot signals.",
                ],
            ),
            (
                "Night rota and medicines",
                [
                    "Each resort has 2 patrollers and 1 piste machine driver on the night rota; they reach the patrol base within 30 minutes of a call, and the avalanche dog handler within 45 minutes. Pay for the rota is set out in Overtime, Night Work and Public Holiday Pay.",
                    "Only patrollers trained in its use give methoxyflurane for pain, and they record every dose in PatrolNet. Medicines are kept in the locked cabinet at the patrol base, which the head of patrol checks every Monday.",
                ],
            ),
            (
                "After a serious incident",
                [
                    "After a death or a burial of more than 15 minutes, every patroller involved takes part in a debrief within 72 hours and is offered peer support and counselling through BergHilfe. They may take up to 2 days of paid special leave.",
                ],
            ),
        ],
    },
    # ---------------------------------------------------------------- rental
    {
        "path": "rental/cash-card-and-deposits.pdf",
        "title": "Rental Shop Cash, Card and Deposit Handling",
        "meta": {"owner": "Retail and Rental", "department": "rental", "effective": "2025-11-20"},
        "sections": [
            (
                "Floats and safe limits",
                [
                    "Every till starts the day with the float below, counted by the cashier and the shop manager together. Cash above the safe limit is taken out of the shop on the next collection.",
                    {
                        "table": [
                            ["Shop", "Currency", "Float per till", "Safe limit"],
                            ["Sölden Giggijoch and Sölden village", "EUR", "EUR 300", "EUR 5,000"],
                            [
                                "St. Anton Galzig and St. Anton village",
                                "EUR",
                                "EUR 300",
                                "EUR 6,000",
                            ],
                            ["Verbier Médran", "CHF", "CHF 400", "CHF 8,000"],
                            [
                                "Val d'Isère La Daille and Val d'Isère centre",
                                "EUR",
                                "EUR 250",
                                "EUR 5,000",
                            ],
                        ]
                    },
                    "The Verbier shop accepts euro notes at the daily rate shown in SkiPOS, up to EUR 500 a transaction, and gives change only in Swiss francs.",
                ],
            ),
            (
                "Rental deposits",
                [
                    "Every rental is secured by a card pre-authorisation of EUR 300 (CHF 350 in Verbier) per set of equipment. Never take a passport, ID card or driving licence as a deposit. A guest without a card may leave a cash deposit of the same amount, with the shop manager's approval, against a signed receipt on form R4.",
                    "SkiCare damage and theft cover costs EUR 3 a day (CHF 4 in Verbier). Guests without it pay for damage at the workshop rates in SkiPOS and, for stolen equipment, the replacement value less 10% for each season the equipment has been in use.",
                ],
            ),
            (
                "Card payments and refunds",
                [
                    "Take card payments only on the SkiPOS terminals. Never write down a card number and never take card details over the phone; guests who want to pay in advance book on the website. Refunds go back to the card used for the payment. Cash refunds are made only for cash payments, and need the shop manager's approval above EUR 100.",
                    "Equipment returned early is not refunded, but the unused days are given as a credit voucher valid until the end of the season.",
                ],
            ),
            (
                "Cashing up",
                [
                    "At closing, the cashier counts the till with a second colleague. A difference of up to EUR 5 (CHF 5) is recorded in SkiPOS. A difference of more than EUR 5 is reported to the shop manager the same day, and a difference of more than EUR 50 is reported to Retail and Rental at head office within 24 hours. Never make up a shortage from your own money.",
                    "Check every EUR 100 and EUR 200 note, and every CHF 200 and CHF 1,000 note, with the UV pen. Keep a note you think is forged, give the guest a receipt and call the police.",
                ],
            ),
            (
                "Cash collections",
                [
                    "Cash is collected by the security company on Tuesdays and Fridays, and handed over only after you have checked the guard's ID card against the collection list in SkiPOS. When a shop must take cash to the bank itself, two members of staff go together, in plain clothes rather than uniform.",
                ],
            ),
        ],
    },
    {
        "path": "operations/uniforms-and-ppe.md",
        "title": "Uniforms and Protective Equipment",
        "meta": {
            "owner": "Mountain Operations",
            "department": "operations",
            "effective": "2025-10-15",
        },
        "sections": [
            (
                "What you are issued",
                [
                    "Uniform and protective equipment are issued free of charge at the start of your contract by the uniform store of your resort.",
                    {
                        "table": [
                            ["Role", "Uniform", "Protective equipment"],
                            [
                                "Lift operators",
                                "Insulated jacket, salopettes, 2 fleeces, hat and gloves",
                                "Helmet and harness for work on towers, glacier sunglasses",
                            ],
                            [
                                "Ski patrol",
                                "Red patrol jacket and trousers, 2 base layers",
                                "Helmet, avalanche transceiver, shovel, probe and airbag backpack",
                            ],
                            [
                                "Ski instructors",
                                "Ski school jacket and trousers, 2 neck warmers",
                                "Helmet, which must be worn when teaching children",
                            ],
                            [
                                "Rental shop staff",
                                "Softshell jacket and 3 polo shirts",
                                "Cut-resistant gloves and safety glasses for the workshop",
                            ],
                            [
                                "Hotel and restaurant staff",
                                "Department uniform, washed by the hotel laundry",
                                "Non-slip shoes, through the shoe allowance",
                            ],
                            [
                                "Any other role",
                                "Staff softshell jacket and name badge",
                                "As set by the risk assessment for the job",
                            ],
                        ]
                    },
                    "Kitchen, restaurant and housekeeping staff receive €60 (CHF 70 in Verbier) each season towards non-slip safety shoes, claimed in ClaimPoint with a receipt.",
                ],
            ),
            (
                "Wearing the uniform",
                [
                    "Wear the uniform only at work and on your way to and from work. Do not wear the staff jacket in bars or at parties after work. Name badges show your first name and the flags of the languages you speak.",
                    "Outdoor staff receive free SPF 50 sun cream and category 4 glacier sunglasses or category 3 goggles each season. A helmet of your own may be used instead of the one issued if it meets EN 1077 and is less than 5 years old.",
                ],
            ),
            (
                "Replacement and return",
                [
                    "Worn or damaged uniform is replaced free of charge at the uniform store. Protective equipment that has taken a hard impact, such as a helmet after a fall, is replaced at once and never used again.",
                    "Return all uniform and protective equipment within 7 days of the end of your contract. Items you do not return are deducted from your final pay:",
                    {
                        "table": [
                            ["Item", "Charge if not returned"],
                            ["Insulated or patrol jacket", "€180"],
                            ["Trousers or salopettes", "€120"],
                            ["Avalanche transceiver", "€300"],
                            ["Helmet", "€60"],
                            ["Fleece or softshell", "€40"],
                        ]
                    },
                ],
            ),
        ],
    },
    # --------------------------------------------------------------- finance
    {
        "path": "finance/travel-and-expenses.docx",
        "title": "Travel and Expenses Between Resorts",
        "meta": {"owner": "Finance", "department": "finance"},
        "sections": [
            (
                "Getting there",
                [
                    "Travel between resorts and to the head office in Innsbruck by train where the journey takes no more than 2 hours longer than by car; trains are second class. The staff shuttle minibus runs between Sölden, St. Anton and Innsbruck on Mondays and Thursdays and is booked in StaffHub. Flights are allowed only to Val d'Isère and Verbier from Innsbruck when the train takes more than 7 hours, in economy, with your director's approval.",
                ],
            ),
            (
                "Driving",
                [
                    "Business journeys in your own car are paid at €0.42 per km in Austria and France and CHF 0.70 per km in Switzerland, plus €0.05 per km for each colleague you take with you. Your car must have winter tyres, and snow chains between 1 November and 15 April. Staff who drive to Verbier on business at least 3 times a year can claim the Swiss motorway vignette, CHF 40, once a year.",
                    "Fines, parking penalties and speeding tickets are never paid, whoever was driving.",
                ],
            ),
            (
                "Daily allowance and hotel limits",
                [
                    "The daily allowance covers meals and small expenses, without receipts, for each day of a business trip with a night away. A day trip of more than 8 hours receives €15 (CHF 25 in Switzerland). Where a place has its own row, use it; otherwise use its country's row, or the last row.",
                    {
                        "table": [
                            [
                                "Where you stay overnight",
                                "Daily allowance",
                                "Hotel limit per night",
                            ],
                            ["Austria", "€30", "€120"],
                            ["Innsbruck", "€35", "€140"],
                            ["Switzerland", "CHF 60", "CHF 190"],
                            ["Verbier", "CHF 70", "CHF 240"],
                            ["France", "€35", "€130"],
                            ["Val d'Isère", "€40", "€170"],
                            ["Italy", "€35", "€130"],
                            ["Any other country", "€45", "€150"],
                        ]
                    },
                    "Before booking a hotel, ask the resort housing manager for a free staff studio or a room at Hotel Edelweiss or Hotel Le Chamois. If you stay there, only the daily allowance is paid, less €10 on each day breakfast is included.",
                ],
            ),
            (
                "Road closures",
                [
                    "If you are stranded by a road or pass closure, such as the Arlberg pass or the road to Val d'Isère, extra nights are paid up to the hotel limit of the place where you are stranded. Tell your manager the same day.",
                ],
            ),
            (
                "Claiming",
                [
                    "Claim in ClaimPoint within 45 days of the expense, with a receipt for every item over €15 (CHF 20). Your manager approves the claim within 7 days. Claims approved by the 20th of a month are paid with that month's salary. Alcohol, minibar items and your staff ski pass are never paid.",
                ],
            ),
        ],
    },
    # ------------------------------------------------------------ compliance
    {
        "path": "compliance/gifts-and-tips.html",
        "title": "Gifts, Tips and Guest Hospitality",
        "meta": {"owner": "Legal and Compliance", "department": "compliance"},
        "sections": [
            (
                "Tips in hotels and restaurants",
                [
                    "Tips from guests are welcome. In the hotels and in the mountain and hotel restaurants every tip, in cash or on a card, goes into the tronc of the outlet and is shared out each month by points. Card tips and the tronc are paid through payroll with your monthly salary.",
                    {
                        "table": [
                            ["Role", "Tronc points"],
                            ["Head waiter and head receptionist", "12 points"],
                            ["Waiter, bartender and receptionist", "10 points"],
                            ["Chef de partie and commis chef", "8 points"],
                            ["Runner and commis waiter", "7 points"],
                            ["Kitchen porter and housekeeping", "5 points"],
                            ["Apprentices and trainees", "4 points"],
                        ]
                    },
                    "Managers and head office staff are not part of the tronc. Staff who leave during a month receive their share for the days they worked.",
                ],
            ),
            (
                "Tips in the ski school, lifts and rental shops",
                [
                    "Instructors keep tips from private lessons. Tips from a group lesson are shared equally between the instructors who taught the group that week. Lift and rental shop staff keep cash tips, but a tip is never a reason to skip the queue or give a better pair of skis.",
                ],
            ),
            (
                "Gifts",
                [
                    "These limits apply to gifts from guests, suppliers and anyone who does business with Alpine Ski House:",
                    {
                        "table": [
                            ["Value of the gift", "What to do"],
                            ["Up to €50 (CHF 50)", "You may accept it; no record is needed"],
                            [
                                "€51–€200 (CHF 51–200)",
                                "Accept it only with your manager's agreement, and record it in the Gifts Register in StaffHub within 7 days",
                            ],
                            [
                                "Over €200 (CHF 200)",
                                "Decline politely, or accept it for the team with the resort director's approval",
                            ],
                            [
                                "Cash or vouchers from a supplier, anything offered during a tender, or a free holiday",
                                "Never accept, whatever the value",
                            ],
                        ]
                    },
                ],
            ),
            (
                "Guest hospitality",
                [
                    "Staff may accept an invitation from a guest to a meal or a drink after work. Do not accept an invitation to stay in a guest's chalet or holiday home, or a trip paid for by a guest; say no, politely, and tell your manager if the guest insists.",
                ],
            ),
            (
                "Private lessons and favours",
                [
                    "Instructors never teach for pay outside the ski school during their contract; guests who ask for a private instructor are booked through SkiSchoolBook. Never give free rentals, lift passes or lessons to friends or family; what staff and their families can have is set out in Staff Ski Pass, Equipment and Discounts.",
                ],
            ),
        ],
    },
    # -------------------------------------------------------------------- it
    {
        "path": "it/data-protection-and-devices.md",
        "title": "Guest Data Protection and Lost Devices",
        "meta": {
            "owner": "IT and Data Protection",
            "department": "it",
            "effective": "2025-09-15",
        },
        "sections": [
            (
                "How long we keep guest data",
                [
                    {
                        "table": [
                            ["Data", "Kept for"],
                            ["Ski pass photos", "30 days after the pass expires"],
                            ["Lift gate scans of a ski pass", "90 days, then anonymised"],
                            ["Hotel guest registration forms", "7 years"],
                            [
                                "CCTV at lift stations and rental shops",
                                "72 hours, or until an incident is closed",
                            ],
                            ["Accident reports", "10 years, or until a child guest is 21"],
                            [
                                "Ski school lesson records and children's emergency contacts",
                                "Until the end of the season",
                            ],
                            ["Any other guest data", "2 years after the guest's last visit"],
                        ]
                    },
                ],
            ),
            (
                "Passports and ID cards",
                [
                    "Never photograph or photocopy a guest's passport or ID card. Hotel receptions record only the document number on the registration form, as the law requires, and rental shops never keep an ID document as a deposit.",
                ],
            ),
            (
                "Requests from guests",
                [
                    "A guest who asks what data we hold about them, or asks us to delete it, is sent to privacy@alpineskihouse.com on the same day. The Data Protection team answers within 1 month. Never send a guest data from a system yourself, even their own.",
                    "Never post photos or videos of guests on social media, and never post photos of children in the ski school or the Kids Club without their parents' written consent on form DP3.",
                ],
            ),
            (
                "Lost or stolen devices",
                [
                    "Report a lost or stolen work phone, tablet, laptop, radio or SkiPOS handheld to the IT Service Desk on +43 512 934 500 within 1 hour. In the winter season the Service Desk is staffed from 07:00 to 22:00 every day; outside those hours, report it with the lost device form in StaffHub and the device is locked and wiped remotely. If it was stolen, report it to the police as well and add the police report number to the ticket within 48 hours.",
                    "A lost radio is also reported to the patrol base at once, because a radio can be used to listen to rescue calls.",
                ],
            ),
            (
                "Personal phones and data breaches",
                [
                    "You may use your own phone for ShiftBoard and StaffHub, but never keep guest data, guest photos or guest phone numbers on it.",
                    "Report a data breach, such as a registration form left in a public place or an email sent to the wrong guest, to the Data Protection Officer, Lena Hofer, at dpo@alpineskihouse.com within 2 hours of noticing it. She decides within 72 hours whether to notify the data protection authority.",
                ],
            ),
        ],
    },
    # ---------------------------------------------------------------- guests
    {
        "path": "guests/guest-complaints.pdf",
        "title": "Guest Complaints and Refunds",
        "meta": {"owner": "Guest Services", "department": "guests", "effective": "2025-12-01"},
        "sections": [
            (
                "Complaints on the spot",
                [
                    "Most complaints can be settled where they are made. Listen, apologise for how the guest feels, and offer a solution within your authority. Record every complaint in GuestVoice before the end of your shift, even when it was settled on the spot.",
                    {
                        "table": [
                            ["Role", "May offer a guest up to"],
                            [
                                "Front-line staff: lifts, ski school, rental shops, hotels, restaurants",
                                "EUR 50 (CHF 50), or a free drink or meal voucher",
                            ],
                            ["Team leader or ski school desk supervisor", "EUR 150 (CHF 150)"],
                            ["Resort manager or hotel manager", "EUR 1,000 (CHF 1,000)"],
                            ["Guest Services at head office", "Any amount over EUR 1,000"],
                        ]
                    },
                ],
            ),
            (
                "Written complaints",
                [
                    "Complaints by email, letter or the GuestVoice form are acknowledged within 2 working days and answered in full within 14 days. Complaints about an accident or an injury are not answered by the resort: pass them to Risk at head office on the day they arrive. Online reviews are answered only by Guest Services, within 3 days.",
                ],
            ),
            (
                "Ski pass refunds",
                [
                    {
                        "table": [
                            ["Situation", "What the guest receives"],
                            [
                                "Fewer than half of the resort's lifts open all day because of weather",
                                "A free day pass for another day of the same season",
                            ],
                            [
                                "Injury or illness, with a doctor's certificate",
                                "The unused days of a multi-day pass, from the day after the certificate is dated",
                            ],
                            [
                                "Season pass, injury before 15 February",
                                "50% of the price",
                            ],
                            ["The guest leaves early or changes their mind", "No refund"],
                            [
                                "Pass withdrawn by the ski patrol for dangerous skiing",
                                "No refund",
                            ],
                        ]
                    },
                    "Refunds are made by the ticket office that sold the pass, or by Guest Services for passes bought online, within 30 days.",
                ],
            ),
            (
                "Abusive guests",
                [
                    "You do not have to put up with abuse. Stop serving the guest, call your team leader and, if you feel threatened, the resort security team or the police. The ski patrol may withdraw the ski pass of a guest who skis dangerously or is abusive to staff.",
                ],
            ),
        ],
    },
]
