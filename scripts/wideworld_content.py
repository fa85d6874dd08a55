"""The Wide World Importers staff policies: a fourth sample corpus for Colonnade.

A fictional freight forwarder with its head office and main cross-dock warehouse in Hamburg,
warehouses in Gdańsk (Poland) and Felixstowe (UK), a truck fleet with drivers based in Germany
and Poland, and a sales and customs office in Singapore. Each entry is one document: its path
under examples/wideworld/ (the extension picks the format), a title, optional metadata, and
sections of paragraphs and tables. Rendered by scripts/build_collection.py wideworld. PDF documents write
amounts as "EUR" and ranges with "to", the way the PDF renderer would print them.
"""

from __future__ import annotations

from typing import Any

Doc = dict[str, Any]

DOCS: list[Doc] = [
    # ------------------------------------------------------------ operations
    {
        "path": "operations/driving-time.pdf",
        "title": "Driving Time, Breaks and Rest Periods",
        "meta": {
            "owner": "Transport Compliance",
            "department": "operations",
            "effective": "2026-03-01",
        },
        "sections": [
            (
                "Who this applies to",
                [
                    "These rules apply to every Wide World Importers driver of a goods vehicle over 3.5 tonnes, in the European Union and in the United Kingdom, and to agency drivers who drive under our operator licence. They follow EU Regulation 561/2006 and the equivalent UK rules. Where a customer's site rules are stricter, the stricter rule applies on that site.",
                    "Drivers of vans up to 3.5 tonnes record their working time in the Wide World driver app instead of on a tachograph, but the company limits in this policy apply to them as well.",
                ],
            ),
            (
                "Driving and rest limits",
                [
                    {
                        "table": [
                            ["Limit", "Rule"],
                            [
                                "Daily driving",
                                "9 hours, extended to 10 hours no more than twice a week",
                            ],
                            ["Weekly driving", "56 hours"],
                            ["Driving in two consecutive weeks", "90 hours"],
                            [
                                "Break from driving",
                                "45 minutes after 4.5 hours of driving, or 15 minutes followed by 30 minutes",
                            ],
                            [
                                "Daily rest",
                                "11 hours, reduced to 9 hours no more than 3 times between two weekly rests",
                            ],
                            [
                                "Weekly rest",
                                "45 hours, reduced to 24 hours no more than every other week",
                            ],
                        ]
                    },
                    "A reduced weekly rest must be made up in one block, attached to another rest of at least 9 hours, before the end of the third week after the week in which it was taken.",
                ],
            ),
            (
                "Company limits",
                [
                    "Planners never schedule a shift of more than 12 hours of working time, loading and waiting included, even where the law would allow more. A driver may refuse a route that cannot be completed within these limits, and will not be penalised for doing so.",
                    "A regular weekly rest of 45 hours is never taken in the cab. When a driver is away from base for a regular weekly rest, the transport office books and pays for a hotel room. Drivers on international routes return to their home base at least once every 3 weeks.",
                ],
            ),
            (
                "Tachographs and driver cards",
                [
                    "Insert your driver card before the vehicle moves and keep it in the tachograph until the end of the shift. Record other work, such as loading or paperwork, as other work, and enter any time away from the vehicle manually. Download your driver card at the depot at least every 28 days; the workshop downloads the vehicle unit every 90 days.",
                    "If your driver card is lost, stolen or stops working, tell the transport office the same day. You may keep driving for up to 15 days with a printout from the tachograph at the start and end of every shift, signed by you.",
                ],
            ),
            (
                "Checks and infringements",
                [
                    "Transport managers check every driver's tachograph data each week. A first minor infringement is discussed with the driver and followed by refresher training. Repeated or serious infringements, or any tampering with a tachograph, are dealt with under the disciplinary procedure. Fines for infringements caused by route planning are paid by the company.",
                ],
            ),
        ],
    },
    {
        "path": "operations/warehouse-ppe.md",
        "title": "Protective Equipment and Safety on the Warehouse Floor",
        "meta": {
            "owner": "Safety, Health and Environment",
            "department": "operations",
            "effective": "2026-01-12",
        },
        "sections": [
            (
                "Protective equipment by area",
                [
                    "Everyone on the warehouse floor, visitors and drivers of other companies included, wears the equipment listed for the area they are in. The site issues it free of charge.",
                    {
                        "table": [
                            ["Area or task", "Required equipment"],
                            [
                                "All warehouse floors, docks and yards",
                                "S3 safety shoes and a high-visibility vest",
                            ],
                            [
                                "Container unloading (devanning) of loose cargo",
                                "Cut-resistant gloves and a bump cap, in addition to the above",
                            ],
                            [
                                "Chilled and frozen store (Hamburg)",
                                "Insulated jacket, trousers and gloves from the store's issue point",
                            ],
                            [
                                "Dangerous goods area",
                                "Chemical-resistant gloves and safety goggles",
                            ],
                            [
                                "Battery charging room",
                                "Face shield and acid-resistant apron",
                            ],
                        ]
                    },
                    "Safety shoes are replaced every 12 months, or sooner when they are damaged. Employees who prefer their own model from the approved list may claim up to €120 a pair.",
                ],
            ),
            (
                "Forklifts and reach trucks",
                [
                    "Only employees with a Wide World forklift licence may drive forklifts, reach trucks or order pickers. The licence is earned on a 3-day course with a practical test and is renewed every 3 years. Agency workers also need a licence from their agency, checked by the shift leader on their first day.",
                    "The speed limit is 10 km/h inside the warehouse and 20 km/h in the yard. Check the truck with the pre-use checklist at the start of every shift and take a truck with a defect out of use with a red tag.",
                ],
            ),
            (
                "Walkways and manual handling",
                [
                    "Pedestrians stay inside the green walkways. Headphones and personal mobile phones are not used on the warehouse floor; the handheld scanners are the only devices allowed.",
                    "Loads over 25 kg are lifted by two people or with a lifting aid. Nobody climbs racking; use a work platform.",
                ],
            ),
            (
                "Working in the cold",
                [
                    "In the frozen store at -25 °C, work for no more than 45 minutes at a time, followed by a warm break of at least 15 minutes in the heated break room. Nobody under 18 works in the frozen store.",
                ],
            ),
        ],
    },
    {
        "path": "operations/vehicles-and-fuel-cards.docx",
        "title": "Company Vehicles, Fuel Cards and Fines",
        "meta": {"owner": "Fleet Services", "department": "operations"},
        "sections": [
            (
                "Who gets a vehicle",
                [
                    {
                        "table": [
                            ["Role", "Vehicle", "Private use"],
                            [
                                "Account managers and sales staff",
                                "Electric or plug-in hybrid car up to a list price of €48,000",
                                "Allowed, taxed as a benefit in kind",
                            ],
                            [
                                "Site managers and heads of department",
                                "Electric car up to a list price of €60,000",
                                "Allowed, taxed as a benefit in kind",
                            ],
                            [
                                "Yard supervisors and mobile technicians",
                                "Van",
                                "Commuting only",
                            ],
                            [
                                "Everyone else travelling for work",
                                "Pool car booked in the fleet portal",
                                "Not allowed",
                            ],
                        ]
                    },
                    "Company cars are leased for 48 months. Your partner may drive your company car when it is registered in the fleet portal; nobody else may drive it, except a garage.",
                ],
            ),
            (
                "The fuel card",
                [
                    "Each company vehicle comes with a RouteCard fuel card. Use it only for fuel, AdBlue, electric charging and one car wash a month for the vehicle it belongs to. Snacks, drinks and anything for another vehicle are never paid with the card. Enter the odometer reading every time you pay.",
                    "Drivers with private use may also fuel private trips in their home country on the card. Fuel for holidays abroad is paid by the driver.",
                    "If the card is lost or stolen, block it in the RouteCard app or call Fleet Services on +49 40 5550 2100 within 1 hour of noticing. Misuse of the card is treated as theft.",
                ],
            ),
            (
                "Fines and tolls",
                [
                    "Speeding, parking and other traffic fines are the driver's own responsibility. When a fine is sent to the company, Fleet Services pays it and deducts it from the driver's next salary, with an administration fee of €15. Road tolls and congestion charges on business trips are paid by the company.",
                ],
            ),
            (
                "Damage and accidents",
                [
                    "After a road accident, fill in the European Accident Statement with the other driver at the scene and report the accident to Fleet Services and your manager within 2 hours. Report any other damage to the vehicle, such as a scrape in a car park, to Fleet Services within 24 hours, with photos. An employee who causes damage through drink, drugs or reckless driving pays the insurance excess of up to €1,000.",
                ],
            ),
        ],
    },
    {
        "path": "operations/accident-reporting.docx",
        "title": "Reporting Accidents, Near Misses and Damage",
        "meta": {"owner": "Safety, Health and Environment", "department": "operations"},
        "sections": [
            (
                "What to report",
                [
                    "Report every accident, near miss, unsafe condition and piece of damaged cargo, however small. Reports are made in the SafeTrack app on the handheld scanners, on your phone, or on the paper form at the gatehouse when neither is to hand. Reporting is blame-free: nobody is disciplined for reporting something, even their own mistake, unless they acted recklessly on purpose.",
                ],
            ),
            (
                "Who to tell and when",
                [
                    {
                        "table": [
                            ["What happened", "Tell", "Deadline"],
                            [
                                "Serious injury, fire, or a dangerous goods spill",
                                "Call 112, then the site manager",
                                "Immediately; SafeTrack report within 24 hours",
                            ],
                            [
                                "Injury treated with first aid",
                                "Shift leader",
                                "Before the end of the shift",
                            ],
                            [
                                "Road accident in a company vehicle",
                                "Fleet Services and your manager",
                                "Within 2 hours",
                            ],
                            [
                                "Damage to a customer's goods",
                                "Warehouse supervisor, who informs the claims team",
                                "The same day",
                            ],
                            [
                                "Near miss or unsafe condition",
                                "SafeTrack",
                                "Within 48 hours",
                            ],
                        ]
                    },
                    "Do not move anything at the scene of a serious accident except to help the injured or to prevent further harm.",
                ],
            ),
            (
                "Investigation",
                [
                    "The Safety, Health and Environment team investigates every injury that keeps someone off work for a day or more and reports its findings within 10 working days. They notify the labour inspectorate or the Health and Safety Executive where the law requires it; employees do not contact the authorities themselves.",
                    "Each site's most useful near-miss report of the quarter wins a €100 voucher for the person who made it.",
                ],
            ),
        ],
    },
    # -------------------------------------------------------------- security
    {
        "path": "security/high-value-cargo.docx",
        "title": "High-Value Cargo Security Procedure",
        "meta": {
            "owner": "Security Operations",
            "department": "security",
            "acl": {"groups": ["security-team", "transport-managers"]},
        },
        "sections": [
            (
                "High-value loads",
                [
                    "A load is high value when its declared value is more than €250,000, or when it contains consumer electronics, pharmaceuticals, tobacco or spirits, whatever its value. The planner marks the order as high value in the transport system, which sends its route and stops to Security Operations.",
                ],
            ),
            (
                "Controls by load value",
                [
                    {
                        "table": [
                            ["Declared value", "Crew", "Tracking", "Stops"],
                            [
                                "Up to €250,000 (high-risk goods)",
                                "1 driver",
                                "GPS position every 15 minutes",
                                "Approved secure parking only",
                            ],
                            [
                                "€250,000 to €1 million",
                                "1 driver",
                                "Live tracking with a door-open alarm",
                                "Approved secure parking only; no stop in the first 3 hours",
                            ],
                            [
                                "Over €1 million",
                                "2 drivers",
                                "Live tracking with door and route-deviation alarms",
                                "No stops except for fuel and legal breaks at approved secure parking",
                            ],
                        ]
                    },
                    "Approved secure parking means a TAPA-certified truck park or a customer's gated site.",
                ],
            ),
            (
                "Seals and route information",
                [
                    "The driver writes the seal number on the CMR consignment note and checks it at every stop. A broken or wrong seal is reported at once to the Security Operations Centre on +49 40 5550 2999, open 24 hours a day. Routes and departure times of high-value loads are never given out by phone, even to someone who says they are the customer.",
                ],
            ),
            (
                "Theft or hijacking",
                [
                    "If a vehicle is stopped by force, do not resist. Hand over the keys, call the police when it is safe to do so, and then the Security Operations Centre.",
                ],
            ),
        ],
    },
    # --------------------------------------------------------------- finance
    {
        "path": "finance/travel-meals-hotels.pdf",
        "title": "Travel Meal and Hotel Allowances",
        "meta": {"owner": "Group Finance", "department": "finance", "effective": "2026-01-01"},
        "sections": [
            (
                "When the allowances apply",
                [
                    "These allowances apply to employees travelling on company business with an overnight stay. Drivers on their routes receive the driver subsistence allowance set in their employment contract instead.",
                    "The meal allowance is paid for each day away and covers breakfast when the hotel does not include it, lunch, dinner and drinks; no receipts are needed. On the day you leave and the day you return, you receive 75% of the daily rate. Meals that a customer or a conference pays for are deducted at EUR 10 for a lunch and EUR 15 for a dinner.",
                ],
            ),
            (
                "Rates by country and city",
                [
                    "Where a city has its own row, use it; otherwise use the row of its country.",
                    {
                        "table": [
                            ["Country or city", "Meal allowance per day", "Hotel limit per night"],
                            ["Germany", "EUR 42", "EUR 130"],
                            ["Munich and Frankfurt", "EUR 50", "EUR 180"],
                            ["Poland", "EUR 30", "EUR 95"],
                            ["Warsaw", "EUR 35", "EUR 120"],
                            ["United Kingdom", "EUR 48", "EUR 150"],
                            ["London", "EUR 60", "EUR 240"],
                            ["Netherlands and Belgium", "EUR 45", "EUR 150"],
                            ["Singapore", "EUR 55", "EUR 220"],
                            ["United States", "EUR 65", "EUR 230"],
                            ["China", "EUR 45", "EUR 140"],
                            ["Rest of world", "EUR 50", "EUR 170"],
                        ]
                    },
                    "Rates are set in euros. Employees paid in pounds, zloty or Singapore dollars receive the equivalent at the exchange rate of the first day of the trip.",
                ],
            ),
            (
                "Hotels",
                [
                    "Book hotels through the travel portal. A hotel above the limit is reimbursed only with the approval of your director, given before you book. Hotels with more than one night in a row at a trade fair are booked by the events team.",
                ],
            ),
            (
                "Claiming",
                [
                    "Claim in the Spendline app within 60 days of your return, with the hotel bill attached. Claims submitted after 60 days are paid only with the approval of the Finance Director. Approved claims are paid with the next monthly salary.",
                ],
            ),
        ],
    },
    # -------------------------------------------------------------------- it
    {
        "path": "it/accounts-and-passwords.md",
        "title": "User Accounts and Password Rules",
        "meta": {"owner": "IT Security", "department": "it", "effective": "2026-02-02"},
        "sections": [
            (
                "Your accounts",
                [
                    "Every employee has one personal Wide World account for email, Teams, the transport system and the HR portal. New accounts are created 3 working days before the start date. Never share your account; warehouse scanners have their own shared sign-in.",
                ],
            ),
            (
                "Password and sign-in rules",
                [
                    {
                        "table": [
                            ["Account type", "Minimum length", "Second factor", "Change"],
                            [
                                "Personal account",
                                "14 characters",
                                "Microsoft Authenticator app",
                                "Only when you suspect someone else knows it",
                            ],
                            [
                                "Administrator account",
                                "20 characters",
                                "Hardware security key",
                                "Every 90 days",
                            ],
                            [
                                "Shared warehouse scanner sign-in",
                                "6-digit PIN",
                                "Badge tap",
                                "Every 180 days",
                            ],
                        ]
                    },
                    "Use a passphrase of four or more unrelated words rather than a short complicated password. Keep passwords in the company password manager, Bitwarden; do not save them in the browser.",
                ],
            ),
            (
                "Lockouts and resets",
                [
                    "After 10 wrong passwords your account is locked for 30 minutes. Reset your own password at any time at reset.wideworldimporters.com, once you have registered your mobile number. If you cannot, call the IT Service Desk on +49 40 5550 2400, staffed 06:00 to 22:00 CET on weekdays and 08:00 to 16:00 on Saturdays.",
                ],
            ),
            (
                "Suspicious emails",
                [
                    "Report a phishing email with the Report button in Outlook and then delete it. If you entered your password on a suspicious page, change it at once and call the IT Service Desk.",
                ],
            ),
        ],
    },
    # -------------------------------------------------------------------- hr
    {
        "path": "hr/shift-premiums.html",
        "title": "Shift Premiums and Overtime Pay",
        "meta": {"owner": "Payroll", "department": "hr"},
        "sections": [
            (
                "Shift premiums",
                [
                    "Warehouse and transport employees on a shift roster receive a premium on their basic hourly rate for every hour worked in these shifts:",
                    {
                        "table": [
                            ["Shift type", "Hours", "Premium"],
                            ["Early shift", "06:00–14:00", "10%"],
                            ["Late shift", "14:00–22:00", "15%"],
                            ["Night shift", "22:00–06:00", "30%"],
                            ["Weekend shift", "Any hours on Saturday or Sunday", "50%"],
                            ["Public holiday", "Any hours on a public holiday", "100%"],
                        ]
                    },
                    "Premiums do not add up: each hour is paid with the highest premium that applies to it, so a night shift on a Saturday earns 50%, not 80%. Office staff working normal office hours do not receive a shift premium.",
                ],
            ),
            (
                "Overtime",
                [
                    "Overtime is time worked beyond your contracted weekly hours, agreed in advance by your shift manager in the time and attendance system. Hours that were not agreed in advance are not paid as overtime.",
                    {
                        "table": [
                            ["Overtime", "Rate"],
                            [
                                "First 5 hours of overtime in a week",
                                "125% of the basic hourly rate",
                            ],
                            [
                                "Overtime beyond 5 hours in a week",
                                "150% of the basic hourly rate",
                            ],
                            [
                                "Overtime on a Sunday or public holiday",
                                "200% of the basic hourly rate",
                            ],
                        ]
                    },
                    "Instead of payment you may take time off in lieu, one hour for each hour of overtime, within 3 months. Employees at job level 6 and above do not receive overtime pay.",
                ],
            ),
            (
                "Call-ins and limits",
                [
                    "If you are called in for an unplanned shift with less than 24 hours' notice, you are paid for at least 4 hours. Working time, overtime included, must not exceed an average of 48 hours a week over 17 weeks.",
                    "Premiums and overtime are paid with the salary of the month after the month in which they were worked.",
                ],
            ),
        ],
    },
    {
        "path": "hr/training-budgets.html",
        "title": "Training Budgets by Job Level",
        "meta": {"owner": "Learning and Development", "department": "hr"},
        "sections": [
            (
                "Yearly budget",
                [
                    "Each employee has a personal training budget for courses, conferences, language lessons and qualifications, approved by their manager in the Learning Hub. The budget depends on your job level:",
                    {
                        "table": [
                            ["Job level", "Typical roles", "Budget per year", "Paid study days"],
                            [
                                "Levels 1–2",
                                "Warehouse operatives, drivers, yard staff",
                                "€500",
                                "2 days",
                            ],
                            [
                                "Levels 3–4",
                                "Team leaders, planners, customs clerks, office staff",
                                "€1,200",
                                "3 days",
                            ],
                            [
                                "Levels 5–6",
                                "Specialists, site managers, account managers",
                                "€2,000",
                                "4 days",
                            ],
                            ["Levels 7–8", "Heads of department", "€3,000", "5 days"],
                            ["Level 9 and above", "Directors", "€4,500", "5 days"],
                        ]
                    },
                    "The budget runs from 1 January to 31 December. Unused budget does not carry over to the next year.",
                ],
            ),
            (
                "Required training",
                [
                    "Training that your job requires by law is paid by the company and does not come out of your budget: the Driver CPC (35 hours every 5 years), ADR dangerous goods certificates, forklift licences and first aid courses.",
                ],
            ),
            (
                "Paying it back",
                [
                    "If you resign within 12 months of finishing a course or qualification that cost more than €1,500, you repay half of its cost. Nothing is repaid when the company ends your employment.",
                ],
            ),
        ],
    },
    {
        "path": "hr/relocation.pdf",
        "title": "Relocation Assistance for Moves Between Sites",
        "meta": {"owner": "People Services", "department": "hr"},
        "sections": [
            (
                "When you can get relocation assistance",
                [
                    "Relocation assistance is for employees who move home because the company asks them to work at another site, or because they accept an internal job at a site more than 60 km from their current home. The move must happen within 9 months of starting at the new site. New hires receive assistance only if their contract says so.",
                    "Agree the assistance with your HR adviser before you commit to any cost. Costs committed before the agreement are not reimbursed.",
                ],
            ),
            (
                "What the company pays",
                [
                    {
                        "table": [
                            ["Move", "Relocation allowance", "Temporary accommodation"],
                            ["Within the same country", "EUR 4,000", "up to 30 nights"],
                            ["To another country in Europe", "EUR 9,000", "up to 60 nights"],
                            ["Between Europe and Singapore", "EUR 16,000", "up to 90 nights"],
                        ]
                    },
                    "The allowance pays for the removal firm, one house-hunting trip of 2 days, agency fees for a rented home and the first month's rent deposit, against receipts. You also receive 3 days of paid moving leave.",
                ],
            ),
            (
                "Moving to another country",
                [
                    "For a move to another country, the company also pays for work and residence permits for you and your family, up to 40 hours of language lessons for you and your partner, and a tax return for the year of the move prepared by our tax advisers.",
                ],
            ),
            (
                "If you leave",
                [
                    "If you resign within 12 months of your move, you repay the relocation allowance, reduced by one twelfth for each full month you have worked at the new site. Nothing is repaid after 12 months.",
                ],
            ),
        ],
    },
    {
        "path": "hr/parental-leave.md",
        "title": "Maternity, Partner and Adoption Leave",
        "meta": {"owner": "People Services", "department": "hr", "effective": "2026-01-01"},
        "sections": [
            (
                "Leave and company pay",
                [
                    "You take the leave your country's law gives you. On top of statutory pay, Wide World Importers tops your pay up to your full basic salary for the weeks below, once you have worked for the company for 6 months:",
                    {
                        "table": [
                            ["Leave", "Weeks at full pay", "Notes"],
                            [
                                "Birth mother",
                                "18 weeks",
                                "Starting no earlier than 6 weeks before the due date",
                            ],
                            [
                                "Partner of the birth mother",
                                "4 weeks",
                                "Taken in whole weeks within 6 months of the birth",
                            ],
                            [
                                "Main adopter or intended parent through surrogacy",
                                "18 weeks",
                                "From the day the child comes to live with you",
                            ],
                            [
                                "Second adopter",
                                "4 weeks",
                                "Taken in whole weeks within 6 months of the placement",
                            ],
                        ]
                    },
                    "Employees with less than 6 months' service receive the statutory pay of their country only.",
                ],
            ),
            (
                "During pregnancy",
                [
                    "Time off for antenatal appointments is paid, and partners may attend two appointments on full pay. Every pregnant employee on a warehouse or driving job has a risk assessment; on request she moves off night shifts, heavy lifting and long-distance routes with no loss of pay.",
                ],
            ),
            (
                "Keeping in touch and coming back",
                [
                    "You may work up to 10 keeping-in-touch days during your leave, paid at your normal rate. After leave of 12 weeks or more you can come back on a phased return: for the first 4 weeks you work 80% of your hours on full pay.",
                    "A quiet room for expressing breast milk, with a fridge, is available at every site.",
                ],
            ),
        ],
    },
    {
        "path": "hr/bereavement.html",
        "title": "Bereavement and Compassionate Leave",
        "meta": {"owner": "People Services", "department": "hr"},
        "sections": [
            (
                "Paid bereavement leave",
                [
                    "If someone close to you dies, tell your manager as soon as you can. You do not need to give proof. Paid leave depends on who has died:",
                    {
                        "table": [
                            ["Who has died", "Paid leave"],
                            ["Your partner or child", "10 working days"],
                            [
                                "Your parent, brother or sister, or your partner's parent",
                                "5 working days",
                            ],
                            [
                                "Your grandparent, grandchild, aunt, uncle or another relative",
                                "2 working days",
                            ],
                            ["A close friend or colleague, to attend the funeral", "1 working day"],
                        ]
                    },
                    "If the funeral is abroad, you get up to 3 more working days of paid leave for the journey. Leave does not have to be taken in one block; it can be taken at any time within 6 months of the death.",
                ],
            ),
            (
                "Pregnancy loss",
                [
                    "After a miscarriage or stillbirth at any stage of pregnancy, the mother and her partner each receive 5 working days of paid leave. Time off needed for medical care is paid sick leave.",
                ],
            ),
            (
                "Compassionate leave",
                [
                    "When a partner, child or parent is seriously ill, you can take up to 5 working days of paid compassionate leave a year. Further time off can be taken as unpaid leave or annual leave, agreed with your manager.",
                    "The Employee Assistance Programme offers free, confidential bereavement counselling on 0800 000 6060.",
                ],
            ),
        ],
    },
    {
        "path": "hr/home-working.md",
        "title": "Home Working Arrangements",
        "meta": {"owner": "People Services", "department": "hr", "effective": "2026-02-01"},
        "sections": [
            (
                "Who can work from home",
                [
                    "Office-based employees in customs, planning, sales, finance, HR and IT can work from home up to 3 days a week, once they have passed their probation. Warehouse, yard and driving jobs cannot be done from home. Each team chooses one anchor day a week on which everyone comes to the office.",
                ],
            ),
            (
                "Equipment and allowances",
                [
                    "The company provides a laptop, a headset and, on request, a monitor. For a desk and chair you can claim a home office allowance of up to €350, which can be claimed again after 5 years. You also receive €2 for every day worked from home, paid with your salary, to cover electricity, heating and internet.",
                ],
            ),
            (
                "Working from another country",
                [
                    "You may work from another country in the European Union or from the United Kingdom for up to 15 working days a year, with your manager's approval and after registering the trip with HR. Working from a country outside the EU and the UK is not allowed, for tax and data protection reasons.",
                ],
            ),
            (
                "Security at home",
                [
                    "Always connect through the company VPN, lock your screen when you leave the laptop, and do not print customs documents or customer data at home.",
                ],
            ),
        ],
    },
    {
        "path": "hr/long-service.html",
        "title": "Long-Service Awards",
        "meta": {"owner": "Reward", "department": "hr"},
        "sections": [
            (
                "Extra leave and anniversary gifts",
                [
                    "Wide World Importers thanks employees for their loyalty with extra days of annual leave and a gift on their work anniversary:",
                    {
                        "table": [
                            [
                                "Years of service",
                                "Extra annual leave each year",
                                "Anniversary gift",
                            ],
                            ["5–9 years", "1 day", "€150 voucher at 5 years"],
                            ["10–14 years", "2 days", "€400 voucher at 10 years"],
                            ["15–19 years", "3 days", "€750 voucher at 15 years"],
                            [
                                "20–24 years",
                                "4 days",
                                "€1,200 and dinner with a director at 20 years",
                            ],
                            [
                                "25 years or more",
                                "5 days",
                                "€2,500 and a week's paid sabbatical at 25 years",
                            ],
                        ]
                    },
                    "The extra days are added to your leave on the 1 January after your anniversary. The company pays any income tax due on the gifts.",
                ],
            ),
            (
                "How service is counted",
                [
                    "Service counts from your first day of continuous employment with Wide World Importers. Time worked for Nordhafen Spedition before it joined the group in 2019 counts in full. Time worked for us as an agency worker counts for up to 2 years when you were hired directly afterwards. Unpaid leave of more than 3 months does not count.",
                ],
            ),
        ],
    },
]
