"""The Adventure Works Cycles staff policies: a fifth sample corpus for Colonnade.

A fictional bicycle maker with its head office and design studio in Utrecht (Netherlands), a
frame and assembly factory in Águeda (Portugal) and bike stores with repair workshops in the
Netherlands, Belgium, France and Spain. Each entry is one document: its path under
examples/adventureworks/ (the extension picks the format), a title, optional metadata, and
sections of paragraphs and tables. Rendered by scripts/build_collection.py adventureworks. PDF
documents write amounts as "EUR" and ranges with "to", the way the PDF renderer would print them.
"""

from __future__ import annotations

from typing import Any

Doc = dict[str, Any]

DOCS: list[Doc] = [
    # --------------------------------------------------------------- factory
    {
        "path": "factory/factory-safety.md",
        "title": "Factory Safety: Protective Equipment, Machines and Batteries",
        "meta": {"owner": "Health and Safety", "department": "factory", "effective": "2026-02-02"},
        "sections": [
            (
                "Who this applies to",
                [
                    "These rules apply to everyone in the Adventure Works frame and assembly factory in Águeda, Portugal: employees, temporary workers, contractors and visitors. Visitors are escorted at all times and wear at least safety glasses and a visitor vest on the production floor.",
                ],
            ),
            (
                "Protective equipment by area",
                [
                    {
                        "table": [
                            ["Area", "Required equipment"],
                            [
                                "Frame welding bays",
                                "Auto-darkening welding helmet, leather welding gloves and a flame-resistant jacket",
                            ],
                            [
                                "Tube cutting and mitring",
                                "Safety glasses, hearing protection and cut-resistant sleeves",
                            ],
                            [
                                "Paint and powder-coating line",
                                "Half-mask respirator with A2P3 filters, nitrile gloves and disposable coveralls",
                            ],
                            [
                                "Carbon layup room",
                                "Nitrile gloves, a disposable lab coat and safety glasses",
                            ],
                            [
                                "Wheel building and final assembly",
                                "Safety shoes and safety glasses",
                            ],
                            [
                                "E-bike battery store",
                                "Safety shoes and heat-resistant gloves",
                            ],
                        ]
                    },
                    "Safety shoes are worn in every production area; the company issues two pairs a year. Respirator filters are changed after 40 hours of use, or sooner if you can smell paint through the mask.",
                ],
            ),
            (
                "Noise",
                [
                    "Hearing protection is compulsory wherever the floor is marked with a blue ear symbol, which marks a noise level of 85 dB(A) or more. Everyone who works in these zones has a hearing test when they start and every 2 years after that.",
                ],
            ),
            (
                "Machines and lockout",
                [
                    "Before you clear a jam, change a tool or clean a machine, switch it off at the isolator and fit your personal red padlock to it. Only the person who fitted a padlock may remove it; if they have gone home, the shift manager may cut it off only after phoning them and checking the machine. Guards are never removed or bypassed while a machine can run.",
                    "Only operators trained and signed off by a production engineer may run the CNC tube mitring machines or the robot welding cell. Sign-offs are recorded in the skills matrix and renewed every 2 years.",
                ],
            ),
            (
                "E-bike batteries",
                [
                    "Lithium-ion battery packs are kept in the fire-rated battery store and held at no more than 30% charge while stored. A damaged, swollen or dropped pack goes straight into the sand-filled quarantine bin outside the store and is reported to the shift manager; it is never charged again.",
                    "If a battery catches fire, raise the alarm, evacuate and call 112. Do not spray water on a burning pack indoors; smother a small fire with the lithium fire blanket kept at the end of every assembly line, only if you can do so safely.",
                ],
            ),
            (
                "Chemicals",
                [
                    "Epoxy resins, paint thinners and degreasers are kept in the yellow chemical cabinets and put back at the end of every shift. Safety data sheets are in the ChemBook app on the shop-floor tablets.",
                ],
            ),
        ],
    },
    {
        "path": "factory/peak-season-hours.html",
        "title": "Annualised Hours and Peak Season Overtime",
        "meta": {"owner": "Factory People Team", "department": "factory"},
        "sections": [
            (
                "Annualised hours",
                [
                    "Factory employees work annualised hours: 1,607 hours a year, 35 hours a week on average, with longer weeks in the spring peak, when most bikes are built, and shorter weeks in the autumn. Your salary is the same every month, whatever hours you worked that month.",
                    {
                        "table": [
                            ["Season", "Months", "Normal weekly hours", "Maximum weekly hours"],
                            ["Spring peak", "February to June", "39 hours", "44 hours"],
                            ["Summer", "July and August", "35 hours", "39 hours"],
                            ["Autumn and winter", "September to January", "31 hours", "35 hours"],
                        ]
                    },
                ],
            ),
            (
                "The hours bank",
                [
                    "Hours worked beyond the normal weekly hours of the season go into your hours bank in TimeClock. You can hold up to 60 hours in the bank. Banked hours are taken as time off in the autumn and winter, in blocks of at least 4 hours, agreed with your team leader 2 weeks ahead.",
                    "Hours still in the bank on 31 January are paid out at 125% of your basic hourly rate with the February salary.",
                ],
            ),
            (
                "Overtime",
                [
                    "Work beyond the maximum weekly hours of the season is overtime. It is worked only when the production manager asks for it and is paid, never banked: at 150% of the basic hourly rate, or 175% on a Sunday or a public holiday, with the salary of the following month.",
                    "Nobody works more than 6 days in a row, and there are at least 11 hours of rest between two shifts.",
                ],
            ),
            (
                "Shifts and supplements",
                [
                    {
                        "table": [
                            ["Shift", "Hours", "Supplement per hour"],
                            ["Early shift", "06:00–14:00", "€1.20"],
                            ["Late shift", "14:00–22:00", "€2.10"],
                            ["Day shift (maintenance and stores)", "08:00–16:30", "None"],
                            ["Saturday morning (spring peak only)", "07:00–13:00", "€4.00"],
                        ]
                    },
                    "Shift rosters are published in TimeClock 3 weeks in advance. Swapping a shift with a colleague needs your team leader's approval in TimeClock before the shift starts.",
                ],
            ),
            (
                "Temporary workers",
                [
                    "Temporary workers hired through the agency for the peak work fixed weekly hours and are paid by the agency for every hour worked; the hours bank does not apply to them.",
                ],
            ),
        ],
    },
    {
        "path": "factory/stop-ship-procedure.docx",
        "title": "Frame Failure Investigation and Stop-Ship Procedure",
        "meta": {
            "owner": "Quality Assurance",
            "department": "factory",
            "acl": {"groups": ["quality-team", "engineering-leads"]},
        },
        "sections": [
            (
                "When this procedure applies",
                [
                    "This procedure applies when a frame, fork, handlebar, seatpost or e-bike battery fails in a way that could hurt a rider: a crack, a broken weld, carbon delamination or a battery that overheats. It applies whether the failure is found in the factory, in a store workshop or reported by a customer. Store staff pass a customer's report to Quality Assurance as a WarrantyDesk ticket with the category Safety.",
                ],
            ),
            (
                "Severity and response",
                [
                    {
                        "table": [
                            ["Severity", "Example", "Action", "Deadline"],
                            [
                                "S1 Critical",
                                "A frame or fork breaks while being ridden; a battery fire",
                                "Stop-ship on the affected batches; the Product Safety Board is informed",
                                "Within 4 hours",
                            ],
                            [
                                "S2 Major",
                                "A crack on a bike in stock or at a customer; a weld defect on several frames",
                                "Batch quarantined and every frame in it inspected",
                                "Within 1 working day",
                            ],
                            [
                                "S3 Minor",
                                "A cosmetic defect or a single loose part",
                                "Recorded and trended in the monthly quality review",
                                "Within 5 working days",
                            ],
                        ]
                    },
                ],
            ),
            (
                "Calling and lifting a stop-ship",
                [
                    "A stop-ship can be called by the Head of Quality or the duty quality engineer. It blocks the batch in ShipLogix so that nothing from it can be picked or shipped, and every store manager receives a red alert to take affected bikes off the shop floor the same day. Only the Head of Quality can lift a stop-ship, once the root cause is known and a containment plan has been signed.",
                ],
            ),
            (
                "Investigation",
                [
                    "The failed part is kept, labelled and photographed; it is never repaired, thrown away or sent back to the supplier until Quality Assurance releases it. An 8D report is opened within 24 hours of an S1 or S2 case and closed within 30 days. Samples from the batch go to the fatigue lab for testing to ISO 4210.",
                ],
            ),
            (
                "Talking about a case",
                [
                    "Nobody discusses a safety case with customers, suppliers, the press or on social media. Press questions go to Communications, and only the Head of Quality contacts regulators.",
                ],
            ),
        ],
    },
    # ---------------------------------------------------------------- retail
    {
        "path": "retail/staff-discount.html",
        "title": "Staff Discount and Bike Purchase Scheme",
        "meta": {"owner": "Reward", "department": "hr"},
        "sections": [
            (
                "Discounts",
                [
                    "Employees, temporary and seasonal staff included, can buy Adventure Works products for their own use at a discount once they have worked for us for 4 weeks:",
                    {
                        "table": [
                            ["Product", "Staff discount", "Limit"],
                            ["Complete bikes (not electric)", "40%", "1 bike every 2 years"],
                            ["E-bikes", "30%", "1 e-bike every 3 years"],
                            ["Frames and framesets", "40%", "1 frame every 2 years"],
                            [
                                "Parts and accessories",
                                "50%",
                                "€1,500 a year at retail price",
                            ],
                            ["Clothing and helmets", "50%", "€600 a year at retail price"],
                            [
                                "Ex-demo and ex-display bikes",
                                "Cost price plus 10%",
                                "No limit, once customers have had 30 days to buy them",
                            ],
                        ]
                    },
                    "Contractors and freelancers do not receive the staff discount.",
                ],
            ),
            (
                "Family and friends",
                [
                    "Once a year, during Friends Week in November, your family and friends get 20% off in any store with a code from PeopleHub. Outside Friends Week the discount is only for things for your own use; it cannot be used to buy bikes for other people.",
                ],
            ),
            (
                "Buying and paying",
                [
                    "Buy through the staff shop in PeopleHub, or at the till in any store with your staff card. Store staff never put through their own purchases; a colleague serves them. For a bike over €1,000 you can pay by salary deduction in up to 12 monthly instalments, interest-free.",
                ],
            ),
            (
                "Selling on and leaving",
                [
                    "A bike or frame bought at the staff discount may not be sold within 12 months of buying it. If you leave the company within 6 months of buying a bike, the discount you received on it is deducted from your final pay, together with any instalments still open.",
                ],
            ),
        ],
    },
    {
        "path": "retail/tills-and-cash.pdf",
        "title": "Till, Cash and Refund Procedures in Stores",
        "meta": {"owner": "Retail Operations", "department": "retail"},
        "sections": [
            (
                "Opening the till",
                [
                    "Each till starts the day with a float of EUR 150 in notes and coins, counted by two people and signed for in StoreLedger. Cashiers sign in to the till with their own staff number and PIN; never sell on a colleague's sign-in.",
                ],
            ),
            (
                "During the day",
                [
                    "When a till holds more than EUR 600 in notes, make a safe drop: put the notes above the float in a sealed bag in the time-delay safe and record the drop in StoreLedger. We do not accept EUR 200 or EUR 500 notes. Check every EUR 50 and EUR 100 note with the UV checker.",
                ],
            ),
            (
                "Refunds and price changes",
                [
                    {
                        "table": [
                            ["Action", "Who can do it", "Limit"],
                            [
                                "Refund with a receipt, to the original payment method",
                                "Any cashier",
                                "Up to EUR 500",
                            ],
                            [
                                "Refund with a receipt over EUR 500",
                                "Store manager or assistant manager",
                                "No limit",
                            ],
                            [
                                "Return without a receipt",
                                "Store manager",
                                "Store credit only, up to EUR 200",
                            ],
                            [
                                "Price override or price match",
                                "Store manager or assistant manager",
                                "Up to 15% off the ticket price",
                            ],
                        ]
                    },
                ],
            ),
            (
                "Closing and differences",
                [
                    "At closing, two people count each till and the safe. A difference of up to EUR 5 is recorded in StoreLedger. A difference over EUR 5 is explained in writing to the area manager the same day. A difference over EUR 50, or three differences of any size by the same cashier in one month, is investigated by Loss Prevention.",
                    "Cash is collected by the cash-in-transit company on Tuesdays and Fridays. Never take the takings to the bank yourself.",
                ],
            ),
        ],
    },
    {
        "path": "retail/returns-and-warranty.md",
        "title": "Customer Returns and Warranty Claims",
        "meta": {"owner": "Customer Service", "department": "retail", "effective": "2026-03-01"},
        "sections": [
            (
                "Returns",
                [
                    "Customers can return unused products with the receipt within 30 days of purchase for a full refund. A bike can be returned within those 30 days only if it has been ridden less than 50 km, judged by the tyres and the drivetrain. Products bought in our online shop can be returned in any store. Bikes built to the customer's own specification are not taken back unless they are faulty.",
                ],
            ),
            (
                "Warranty periods",
                [
                    {
                        "table": [
                            ["Part", "Warranty"],
                            ["Aluminium and steel frames", "Lifetime, for the original owner"],
                            ["Carbon frames and forks", "7 years"],
                            ["Suspension forks and rear shocks", "2 years"],
                            [
                                "E-bike motor and battery",
                                "2 years, or 500 full charge cycles for the battery, whichever comes first",
                            ],
                            ["Paint and decals", "3 years"],
                            ["Other components and accessories", "2 years"],
                        ]
                    },
                    "Wear parts such as tyres, chains, cassettes, brake pads and grips are covered only when they were faulty on delivery. A frame that is no longer made is replaced with the nearest current model.",
                ],
            ),
            (
                "Handling a claim",
                [
                    "Log every warranty claim in WarrantyDesk on the day the bike comes in, with the proof of purchase, the frame number and photos of the damage. The store workshop inspects the bike within 3 working days. A frame or fork that may be cracked goes to Quality Assurance at the Águeda factory, and the customer has a decision within 15 working days. Offer the customer a loan bike if the repair will take more than 5 working days.",
                ],
            ),
            (
                "Crash replacement",
                [
                    "A customer whose carbon frame is damaged in a crash within 3 years of purchase can buy a replacement frame at 50% of its retail price. This is not a warranty claim and needs no inspection by Quality Assurance.",
                ],
            ),
        ],
    },
    {
        "path": "retail/opening-closing-lone-working.docx",
        "title": "Store Opening, Closing and Lone Working",
        "meta": {"owner": "Retail Operations", "department": "retail"},
        "sections": [
            (
                "Opening and closing",
                [
                    "A store is opened and closed by two people, at least one of them a keyholder. Arrive 30 minutes before opening time to disarm the alarm, walk the shop floor and count the floats. Before locking up, check the fitting rooms, toilets and workshop for anyone still inside and bring in the bikes displayed outside.",
                ],
            ),
            (
                "Keyholders",
                [
                    "Keyholders are store managers, assistant managers and senior sales staff named by the area manager. Each keyholder has a personal alarm code, changed every 6 months and whenever a keyholder leaves the store.",
                    "A keyholder on the call-out rota must be able to reach the store within 30 minutes when the alarm company calls. Keyholders receive €25 for each night on the rota and €40 for each call-out they attend.",
                ],
            ),
            (
                "Working alone",
                [
                    "When only one person is in the store, for example a mechanic in the workshop before opening, they check in with the StoreSafe app every 2 hours. If a check-in is missed, the app calls them, and after 15 minutes without an answer it alerts the area manager. Nobody works alone in the store after closing time, and cash is never counted by one person alone.",
                ],
            ),
            (
                "Alarms, break-ins and robbery",
                [
                    {
                        "table": [
                            ["Situation", "What to do"],
                            [
                                "The intruder alarm goes off during opening hours",
                                "Call the alarm company on 0800 222 4040 and give the password of the day",
                            ],
                            [
                                "You arrive to find signs of a break-in",
                                "Do not go in; call the police on 112, then the area manager",
                            ],
                            [
                                "Robbery while the store is open",
                                "Hand over what is asked for and do not follow the robbers; press the panic button when it is safe",
                            ],
                            [
                                "Fire alarm",
                                "Take customers to the assembly point; the keyholder brings the staff and visitor lists",
                            ],
                        ]
                    },
                ],
            ),
        ],
    },
    # -------------------------------------------------------------------- hr
    {
        "path": "hr/annual-leave.html",
        "title": "Annual Leave and Holiday Planning",
        "meta": {"owner": "People Team", "department": "hr"},
        "sections": [
            (
                "How much leave",
                [
                    "Full-time employees receive the annual leave below for each calendar year, in addition to the public holidays of the country where they work. Part-time employees receive it in proportion to their contracted hours.",
                    {
                        "table": [
                            ["Country", "Annual leave (full-time)"],
                            ["Netherlands", "25 days"],
                            ["Belgium", "24 days"],
                            ["France", "27 days"],
                            ["Spain", "23 days"],
                            ["Portugal", "25 days"],
                        ]
                    },
                    "Employees aged 50 and over receive 2 extra days a year.",
                ],
            ),
            (
                "Booking leave",
                [
                    "Request leave in PeopleHub. Requests of up to 3 days need 1 week's notice; longer requests need 4 weeks' notice. Your manager answers within 5 working days.",
                ],
            ),
            (
                "Busy periods and closures",
                [
                    {
                        "table": [
                            ["Where you work", "Rule"],
                            [
                                "Factory",
                                "Closed for 3 weeks from the first Monday of August and from 24 December to 1 January; these days come out of your annual leave",
                            ],
                            [
                                "Stores",
                                "No more than 5 days of leave in a row between 1 March and 30 June, and no leave on the two Saturdays before Christmas",
                            ],
                            [
                                "Head office",
                                "No fixed restriction, but each team keeps at least one person at work",
                            ],
                        ]
                    },
                ],
            ),
            (
                "Carrying leave over",
                [
                    "Up to 5 unused days can be carried over into the next year and must be taken by 31 March. Days beyond that are lost, unless you could not take them because of illness or parental leave. Unused leave is paid out only when you leave the company.",
                ],
            ),
        ],
    },
    {
        "path": "hr/commuting.md",
        "title": "Commuting Allowances and Cycling to Work",
        "meta": {"owner": "Reward", "department": "hr", "effective": "2026-01-01"},
        "sections": [
            (
                "Cycling allowance",
                [
                    "Everyone who cycles to work, on their own bike or a company bike, receives a cycling allowance for each kilometre of the shortest route between home and work, there and back. Log your rides in the RideLog app; the allowance is paid with the salary of the following month.",
                    {
                        "table": [
                            ["Country", "Cycling allowance", "Yearly maximum"],
                            ["Netherlands", "€0.23 per km", "€1,000"],
                            ["Belgium", "€0.35 per km", "€2,500"],
                            ["France", "€0.25 per km", "€800"],
                            ["Spain", "€0.20 per km", "€600"],
                            ["Portugal", "€0.18 per km", "€500"],
                        ]
                    },
                ],
            ),
            (
                "Public transport",
                [
                    "If you come to work by public transport, the company pays 50% of a season ticket in France, Spain and Portugal and 100% in the Netherlands and Belgium, against the receipt in Ledgerly. You can combine a season ticket with the cycling allowance, but you cannot claim the cycling allowance for a day on which you used the season ticket.",
                ],
            ),
            (
                "Driving to work",
                [
                    "Driving to work is not reimbursed, except for factory employees on the early or late shift when no public transport runs; they receive €0.19 per km for up to 30 km each way. Parking is free at the factory and at the Utrecht head office; stores have no staff parking.",
                ],
            ),
            (
                "Keeping your commuting bike safe",
                [
                    "The company pays for one service a year of the bike you commute on, in any Adventure Works store workshop, and for a helmet and lights up to €120 every 2 years. Accidents on the way to and from work are covered by the company's accident insurance, whatever way you travel.",
                ],
            ),
        ],
    },
    {
        "path": "hr/referral-programme.pdf",
        "title": "Employee Referral Programme",
        "meta": {"owner": "Talent Acquisition", "department": "hr"},
        "sections": [
            (
                "Who can refer",
                [
                    "Every employee can refer someone for an open job at Adventure Works, except for jobs in their own team and jobs they will be hiring for themselves. Recruiters, the People Team and directors do not receive referral bonuses.",
                    "Submit the referral on the Refer a Friend page in PeopleHub before the candidate applies. A candidate who has already applied, or who worked for us in the last 12 months, does not count as a referral.",
                ],
            ),
            (
                "Bonus by role",
                [
                    {
                        "table": [
                            ["Role hired", "Referral bonus"],
                            ["Store sales staff", "EUR 400"],
                            ["Bike mechanics", "EUR 800"],
                            ["Factory operators and welders", "EUR 600"],
                            ["Store managers", "EUR 1,200"],
                            ["Engineers and designers", "EUR 2,000"],
                            ["Other head office roles", "EUR 750"],
                        ]
                    },
                    "Seasonal and temporary jobs do not earn a referral bonus.",
                ],
            ),
            (
                "When the bonus is paid",
                [
                    "Half of the bonus is paid with the salary of the month after your referral starts, and the other half once they pass their probation. You must both still work for Adventure Works at that time, and you must not be working your notice. The bonus is taxed as normal pay.",
                ],
            ),
            (
                "Limits",
                [
                    "There is no limit on the number of people you refer, but referral bonuses are capped at EUR 6,000 per employee a year. When two employees refer the same candidate, the referral entered first in PeopleHub counts.",
                ],
            ),
        ],
    },
    {
        "path": "hr/performance-and-pay.docx",
        "title": "Performance Reviews and Pay Rises",
        "meta": {"owner": "Reward", "department": "hr"},
        "sections": [
            (
                "The review year",
                [
                    "Performance reviews are held once a year in PeopleHub. Goals are set by 31 January, a mid-year check-in takes place in July, and the year-end review is held in December. Employees who join after 1 October have their first review in the following year.",
                ],
            ),
            (
                "Ratings and pay rises",
                [
                    {
                        "table": [
                            ["Rating", "Meaning", "Merit pay rise"],
                            [
                                "1",
                                "Not meeting expectations",
                                "None; an improvement plan is agreed",
                            ],
                            ["2", "Partly meeting expectations", "0% to 1%"],
                            ["3", "Meeting expectations", "2% to 3%"],
                            ["4", "Exceeding expectations", "3.5% to 5%"],
                            ["5", "Outstanding", "5% to 8%"],
                        ]
                    },
                    "Merit rises take effect on 1 April and come on top of any general increase agreed with the works councils or unions. If your salary is already above the top of your salary band, the merit rise is paid as a one-off lump sum instead. Bonus schemes are not covered by this policy.",
                ],
            ),
            (
                "Calibration and appeals",
                [
                    "Ratings are calibrated by each department's leadership team before they are shared. If you disagree with your rating, you can appeal to your manager's manager within 10 working days of your review meeting. A member of the People Team joins the appeal meeting, and the outcome is final.",
                ],
            ),
            (
                "Promotions",
                [
                    "Promotions take effect twice a year, on 1 April and 1 October, and come with a pay rise of at least 8%.",
                ],
            ),
        ],
    },
    # -------------------------------------------------------------------- it
    {
        "path": "it/devices-and-lost-equipment.md",
        "title": "Laptops, Phones and Lost Devices",
        "meta": {"owner": "IT Services", "department": "it", "effective": "2026-01-15"},
        "sections": [
            (
                "Your equipment",
                [
                    {
                        "table": [
                            ["Role", "Computer", "Phone", "Replaced after"],
                            [
                                "Head office staff and store managers",
                                "14-inch Windows laptop",
                                "Smartphone on request",
                                "Laptop 4 years, phone 3 years",
                            ],
                            [
                                "Engineers and designers",
                                "16-inch mobile workstation with a dedicated graphics card",
                                "Smartphone",
                                "Laptop 3 years, phone 3 years",
                            ],
                            [
                                "Store and factory staff",
                                "Shared tablets",
                                "None",
                                "Tablets 3 years",
                            ],
                        ]
                    },
                    "A device that breaks before its replacement date is repaired or swapped by the IT Service Desk.",
                ],
            ),
            (
                "Work apps on your own phone",
                [
                    "You may read work email and use Teams on your own phone once it is enrolled in the Company Portal app. Enrolment lets IT remove work data from the phone, never your own photos or apps. Phones that no longer receive security updates cannot be enrolled.",
                ],
            ),
            (
                "Lost or stolen devices",
                [
                    "Report a lost or stolen laptop, phone or tablet to the IT Service Desk on +31 30 555 0190 within 1 hour of noticing, at any time of day or night; the desk locks and wipes the device remotely. If it was stolen, also report it to the police and add the police report number to your IT ticket within 3 days.",
                    "The first loss costs you nothing. After a second lost device within 2 years, your manager decides whether you contribute up to €250 to the replacement.",
                ],
            ),
            (
                "Looking after your device",
                [
                    "Laptops are encrypted with BitLocker and lock after 5 minutes without use. USB memory sticks are blocked; share files through OneDrive or Teams. Never leave a laptop visible in a car, even a locked one, and never check it in as hold luggage.",
                ],
            ),
            (
                "When you leave",
                [
                    "Return every device to your manager or the IT Service Desk on your last day. You may keep your phone for €50 if it is more than 2 years old; IT resets it first.",
                ],
            ),
        ],
    },
    {
        "path": "it/software-and-ai-tools.html",
        "title": "Software Requests and Generative AI Tools",
        "meta": {"owner": "IT Security", "department": "it"},
        "sections": [
            (
                "Installing software",
                [
                    "Company laptops are managed centrally and you cannot install software yourself. Software that is already approved can be installed from the Software Center app. For anything else, raise a software request in the IT portal: IT Security reviews it within 10 working days, and paid software also needs your budget holder's approval. Browser extensions follow the same rule.",
                ],
            ),
            (
                "Generative AI tools",
                [
                    {
                        "table": [
                            ["Tool", "Who may use it", "What you may put into it"],
                            [
                                "Microsoft 365 Copilot, signed in with your work account",
                                "All employees",
                                "Internal and confidential information, but no personal data",
                            ],
                            [
                                "GitHub Copilot Business",
                                "Engineering and IT",
                                "Source code and internal technical documents",
                            ],
                            [
                                "Adobe Firefly",
                                "Marketing, for drafts",
                                "Public information only",
                            ],
                            [
                                "Public chatbots on personal accounts",
                                "Nobody, for work",
                                "Nothing",
                            ],
                        ]
                    },
                ],
            ),
            (
                "Information classes",
                [
                    "Public information has been published, such as catalogues and retail prices. Internal information is most of what we write, this policy included. Confidential information includes unreleased bike designs, supplier prices and sales figures. Personal data is anything about a named customer or employee.",
                ],
            ),
            (
                "Using what AI produces",
                [
                    "Check everything an AI tool produces before you use it: you are responsible for it as if you had written it yourself. Never use AI to write safety warnings, torque values or assembly instructions. Images made with AI that are used in marketing are labelled as such.",
                ],
            ),
        ],
    },
    # --------------------------------------------------------------- finance
    {
        "path": "finance/travel-and-expenses.pdf",
        "title": "Business Travel and Expense Claims",
        "meta": {"owner": "Finance", "department": "finance", "effective": "2026-01-01"},
        "sections": [
            (
                "Booking travel",
                [
                    "Book trips in TravelDesk. Take the train for journeys of under 5 hours each way. Flights are in economy class; for flights of more than 8 hours, premium economy is allowed with your director's approval.",
                ],
            ),
            (
                "Daily allowance and hotels",
                [
                    "The daily allowance covers meals and small expenses, with no receipts needed, for each day of a trip with an overnight stay. A day trip of more than 10 hours receives half the daily allowance. A meal paid for by a customer or supplier is deducted at EUR 15. Where a city has its own row, use it; otherwise use its country's row.",
                    {
                        "table": [
                            ["Country or city", "Daily allowance", "Hotel limit per night"],
                            ["Netherlands", "EUR 40", "EUR 140"],
                            ["Amsterdam", "EUR 50", "EUR 210"],
                            ["Belgium", "EUR 45", "EUR 150"],
                            ["France", "EUR 45", "EUR 130"],
                            ["Paris", "EUR 60", "EUR 230"],
                            ["Lyon", "EUR 50", "EUR 160"],
                            ["Spain", "EUR 40", "EUR 120"],
                            ["Portugal", "EUR 35", "EUR 100"],
                            ["Germany", "EUR 45", "EUR 150"],
                            ["Taiwan", "EUR 55", "EUR 170"],
                            ["Rest of world", "EUR 50", "EUR 160"],
                        ]
                    },
                ],
            ),
            (
                "Mileage",
                [
                    "Business trips in your own car are paid at EUR 0.30 per km, and on your own bike or e-bike at EUR 0.25 per km. Parking and tolls are refunded against receipts; traffic and parking fines are never refunded.",
                ],
            ),
            (
                "Claiming",
                [
                    "Submit claims in Ledgerly within 45 days of the expense, with a photo of every receipt over EUR 20. Your manager approves within 5 working days, and approved claims are paid by bank transfer within 10 working days. Claims older than 90 days are not paid.",
                ],
            ),
            (
                "Corporate cards",
                [
                    "Employees who travel more than 6 times a year can apply for a corporate card with a monthly limit of EUR 3,000. The card is never used for personal spending, and every card payment must be matched with its receipt in Ledgerly by the 5th of the following month.",
                ],
            ),
        ],
    },
]
