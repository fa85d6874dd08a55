"""The Fabrikam Logistics staff policies: a second sample corpus for Colonnade.

A fictional mid-size logistics company with depots in Ghent, Liège and Eindhoven.
Each entry is one document: its path under examples/fabrikam/ (the extension
picks the format), a title, optional metadata, and sections of paragraphs and
tables. Rendered by scripts/build_collection.py fabrikam.
"""

from __future__ import annotations

from typing import Any

Doc = dict[str, Any]

DOCS: list[Doc] = [
    # ---------------------------------------------------------- operations
    {
        "path": "operations/warehouse-safety.md",
        "title": "Warehouse Safety Rules",
        "meta": {
            "owner": "Health and Safety",
            "department": "operations",
            "effective": "2026-03-01",
        },
        "sections": [
            (
                "Scope",
                [
                    "These rules apply to everyone who enters a Fabrikam Logistics warehouse floor, including office staff, agency workers, drivers collecting or delivering loads, and visitors. The site Health and Safety Coordinator enforces them and may remove anyone from the floor who does not follow them.",
                ],
            ),
            (
                "Protective equipment by zone",
                [
                    {
                        "table": [
                            ["Zone", "Required protective equipment"],
                            [
                                "Inbound and outbound docks",
                                "Safety shoes (S3), high-visibility vest",
                            ],
                            ["Racking aisles", "Safety shoes (S3), high-visibility vest, bump cap"],
                            [
                                "Cold store (below 4 °C)",
                                "Thermal jacket, insulated gloves, safety shoes (S3)",
                            ],
                            ["Battery charging room", "Face shield, acid-resistant gloves, apron"],
                            ["Yard", "High-visibility vest class 2"],
                        ]
                    },
                    "Protective equipment is issued free of charge by the site stores. Safety shoes are replaced every 12 months or sooner when damaged.",
                ],
            ),
            (
                "Forklifts and reach trucks",
                [
                    "Only employees holding a valid Fabrikam internal forklift licence may operate a forklift, reach truck or order picker. The licence is valid for 3 years; a refresher course and practical test are required before it expires.",
                    "The speed limit inside the warehouse is 6 km/h and in the yard 10 km/h. Pedestrians must stay inside the green walkways. Operators complete the pre-use checklist on the handheld scanner at the start of every shift; a truck that fails any check is tagged out and reported to the shift leader.",
                ],
            ),
            (
                "Racking and loads",
                [
                    "Racking is inspected weekly by the shift leader and once a year by an external SEMA-approved inspector. Damaged uprights are marked red and the bay is emptied within 24 hours. Never climb racking; pallets may be stacked on the floor no higher than 2 pallets.",
                    "Manual lifting is limited to 23 kg per person; heavier items need a second person or a lifting aid.",
                ],
            ),
        ],
    },
    {
        "path": "operations/shift-work-overtime.pdf",
        "title": "Shift Work and Overtime Policy",
        "meta": {"owner": "Operations HR", "department": "operations"},
        "sections": [
            (
                "Shift patterns",
                [
                    "Warehouse operations run three shifts: early (06:00-14:00), late (14:00-22:00) and night (22:00-06:00). Rosters are published at least 14 days in advance in the Planday app. Shift swaps between colleagues are allowed when both agree and the shift leader approves them in Planday before the shift starts.",
                    "There must be at least 11 hours of rest between the end of one shift and the start of the next, and no employee works more than 6 consecutive shifts.",
                ],
            ),
            (
                "Overtime pay",
                [
                    "Overtime is work beyond the contracted 38 hours per week and must be approved in advance by the shift leader. It is paid at the hourly base rate multiplied as follows:",
                    {
                        "table": [
                            ["When the overtime is worked", "Multiplier"],
                            ["Monday to Friday", "1.5x"],
                            ["Saturday", "1.75x"],
                            ["Sunday", "2x"],
                            ["Public holiday", "2.5x"],
                        ]
                    },
                    "Instead of payment, employees may choose time off in lieu at the same multiplier, to be taken within 3 months. Overtime is capped at 130 hours per calendar year per employee.",
                ],
            ),
            (
                "Shift allowances",
                [
                    "A shift allowance is paid per hour worked in addition to the base rate, depending on the pay band:",
                    {
                        "table": [
                            ["Pay band", "Late shift allowance", "Night shift allowance"],
                            ["Band A (operatives)", "1.20 per hour", "2.90 per hour"],
                            ["Band B (team leaders)", "1.45 per hour", "3.40 per hour"],
                            ["Band C (shift leaders)", "1.70 per hour", "3.95 per hour"],
                        ]
                    },
                    "Allowances are in euros and are paid with the salary of the following month.",
                ],
            ),
        ],
    },
    {
        "path": "operations/incident-reporting.html",
        "title": "Incident and Near-Miss Reporting",
        "meta": {"owner": "Health and Safety", "department": "operations"},
        "sections": [
            (
                "What to report",
                [
                    "Report every workplace injury, every near miss (an event that could have caused injury or damage but did not), every damage to goods, vehicles or buildings, and every spill of fuel or chemicals. Reporting a near miss is never a reason for disciplinary action.",
                ],
            ),
            (
                "How quickly",
                [
                    {
                        "table": [
                            ["Category", "Example", "Report to", "Deadline"],
                            [
                                "Serious injury",
                                "Fracture, hospital admission",
                                "Site manager by phone",
                                "Immediately, within 1 hour",
                            ],
                            [
                                "Minor injury",
                                "Cut treated with first aid",
                                "Shift leader",
                                "Before the end of the shift",
                            ],
                            [
                                "Near miss",
                                "Pallet falls in an empty aisle",
                                "SafeTrack form",
                                "Within 24 hours",
                            ],
                            [
                                "Property damage",
                                "Forklift hits a dock door",
                                "Shift leader and SafeTrack form",
                                "Within 24 hours",
                            ],
                            [
                                "Environmental",
                                "Diesel spill in the yard",
                                "Site manager by phone",
                                "Immediately, within 1 hour",
                            ],
                        ]
                    },
                ],
            ),
            (
                "SafeTrack and investigation",
                [
                    "All incidents are recorded in SafeTrack, available on every handheld scanner and at safetrack.fabrikam.internal. The shift leader completes the first investigation within 5 working days. Serious injuries are investigated by the Health and Safety Manager, who reports them to the labour inspectorate within 10 days as the law requires.",
                    "First aiders are listed on the board at each dock entrance. Each site keeps at least one trained first aider per shift.",
                ],
            ),
        ],
    },
    {
        "path": "operations/site-access-visitors.md",
        "title": "Site Access and Visitors",
        "meta": {"owner": "Site Security", "department": "operations"},
        "sections": [
            (
                "Badges",
                [
                    "Every employee wears their photo badge visibly on site. A forgotten badge is replaced by a day badge at reception; a lost badge is reported to Site Security the same day and costs €15 to replace after the first one.",
                ],
            ),
            (
                "Visitors",
                [
                    "Register visitors in the Envoy visitor system at least 1 working day before the visit. Visitors sign in at reception, watch the 8-minute safety video and are escorted by their host at all times on the warehouse floor. Children under 16 are not allowed beyond reception.",
                ],
            ),
            (
                "Drivers of other carriers",
                [
                    "External truck drivers report to the gatehouse with their booking reference, stay in the drivers' lounge while their truck is loaded, and may enter the dock only in a high-visibility vest and safety shoes. Dock slots that are missed by more than 30 minutes are rebooked.",
                ],
            ),
        ],
    },
    # ---------------------------------------------------------------- fleet
    {
        "path": "fleet/company-vehicle-policy.docx",
        "title": "Company Vehicle Policy",
        "meta": {"owner": "Fleet Management", "department": "fleet"},
        "sections": [
            (
                "Who gets a vehicle",
                [
                    "Company cars are provided to sales account managers, regional managers and employees whose role requires more than 15,000 business kilometres per year. Delivery vans and trucks are pool vehicles booked through the FleetDesk portal.",
                    {
                        "table": [
                            ["Role", "Vehicle category", "Monthly lease budget"],
                            [
                                "Regional manager",
                                "Category 1 (e.g. mid-size estate, electric)",
                                "€850",
                            ],
                            [
                                "Sales account manager",
                                "Category 2 (compact, electric or hybrid)",
                                "€650",
                            ],
                            ["Field technician", "Category 3 (small van)", "€540"],
                        ]
                    },
                    "New company cars ordered after 1 January 2026 must be fully electric. Leases run for 48 months or 160,000 km, whichever comes first.",
                ],
            ),
            (
                "Private use and fuel",
                [
                    "Company car drivers may use the car privately within the EU, including holidays. The driver's partner may drive the car; other family members may not. Private use is taxed as a benefit in kind through payroll.",
                    "Charging and fuel are paid with the Fabrikam fuel card. Charging at home is reimbursed at the home tariff per kWh recorded by the wallbox. The fuel card may not be used for car washes more than twice a month or for any purchase in the shop.",
                ],
            ),
            (
                "Accidents, damage and fines",
                [
                    "After an accident, make sure everyone is safe, fill in the European Accident Statement and call the FleetDesk 24/7 line on +32 9 555 0140 within 24 hours. The first €250 of damage per incident is charged to the driver when the accident was their fault.",
                    "Traffic fines and parking fines are the driver's own responsibility and are deducted from the salary. Drivers must report any change in their driving licence status to Fleet Management within 3 days.",
                ],
            ),
            (
                "Pool vans and trucks",
                [
                    "Pool vehicles are booked in FleetDesk at least 1 working day ahead. Drivers complete the walk-round check before departure and return the vehicle with at least a quarter tank. Truck drivers follow the EU driving-time rules: at most 9 hours of driving per day (10 hours twice a week) and a 45-minute break after 4.5 hours of driving.",
                ],
            ),
        ],
    },
    # -------------------------------------------------------------- finance
    {
        "path": "finance/expenses-and-mileage.pdf",
        "title": "Expenses and Mileage Policy",
        "meta": {"owner": "Finance", "department": "finance"},
        "sections": [
            (
                "Submitting claims",
                [
                    "Claim business expenses in the Expensify app within 30 days of the expense, with a photo of the receipt. Claims older than 90 days are not reimbursed. Your line manager approves claims; Finance pays approved claims in the next weekly payment run, every Thursday.",
                ],
            ),
            (
                "Mileage",
                [
                    "Business journeys in a private vehicle are reimbursed per kilometre. The commute between home and your usual workplace is not a business journey.",
                    {
                        "table": [
                            ["Vehicle type", "Rate per km (EUR)"],
                            ["Private car (petrol, diesel or hybrid)", "0.43"],
                            ["Private electric car", "0.32"],
                            ["Motorcycle or scooter", "0.24"],
                            ["Bicycle or e-bike", "0.27"],
                            ["Company car (private fuel used)", "0.12"],
                        ]
                    },
                    "Log each journey with start point, destination and purpose in the Expensify mileage tracker. Mileage above 5,000 km per year in a private car needs written approval from Finance.",
                ],
            ),
            (
                "Meals and overnight stays",
                [
                    {
                        "table": [
                            ["Item", "Limit (EUR)"],
                            ["Lunch on a business trip", "25"],
                            ["Dinner on a business trip", "45"],
                            ["Hotel night, Belgium and the Netherlands", "140"],
                            ["Hotel night, rest of Europe", "175"],
                        ]
                    },
                    "Alcohol is not reimbursed, except for one drink with a client dinner. Tips of up to 10% are reimbursed.",
                ],
            ),
        ],
    },
    {
        "path": "finance/purchase-approvals.pdf",
        "title": "Purchasing and Approval Limits",
        "meta": {"owner": "Procurement", "department": "finance"},
        "sections": [
            (
                "Purchase orders",
                [
                    "Every purchase of goods or services for Fabrikam Logistics needs a purchase order (PO) raised in Coupa before the order is placed with the supplier. Invoices without a PO number are returned to the supplier unpaid. Splitting a purchase into smaller orders to stay under an approval limit is a disciplinary offence.",
                ],
            ),
            (
                "Who approves",
                [
                    {
                        "table": [
                            ["Order value (excl. VAT)", "Approver", "Quotes required"],
                            ["Up to 1,000", "Budget holder", "None"],
                            ["1,000 - 5,000", "Department head", "1 written quote"],
                            ["5,000 - 25,000", "Finance Director", "3 written quotes"],
                            [
                                "25,000 - 100,000",
                                "Chief Financial Officer",
                                "3 quotes and a tender summary",
                            ],
                            ["Over 100,000", "Executive Board", "Formal tender"],
                        ]
                    },
                    "Amounts are in euros. Approval is automatic in Coupa once the right approver accepts; it usually takes 2 working days.",
                ],
            ),
            (
                "Preferred suppliers",
                [
                    "Use the preferred supplier list in Coupa for office supplies, pallets, packaging, fuel, temporary staff and IT hardware. A new supplier must be onboarded by Procurement before the first order; onboarding takes about 10 working days and includes a sanctions and credit check.",
                ],
            ),
        ],
    },
    # ------------------------------------------------------------------ HR
    {
        "path": "hr/parental-leave.md",
        "title": "Parental and Family Leave",
        "meta": {"owner": "People and Culture", "department": "hr"},
        "sections": [
            (
                "Birth and adoption leave",
                [
                    "The birthing parent receives 16 weeks of maternity leave. The other parent receives 20 working days of birth leave, to be taken within 4 months of the birth. Adoptive parents each receive 6 weeks of adoption leave.",
                    "Fabrikam tops up the statutory benefit to 100% of base salary for the first 10 weeks of maternity leave and for all 20 days of birth leave, provided the employee has completed 6 months of service.",
                ],
            ),
            (
                "Parental leave",
                [
                    "Each parent may take up to 4 months of parental leave per child until the child turns 12. It can be taken full-time, half-time or one day per week. Parental leave is unpaid by Fabrikam; the statutory allowance is paid by the government.",
                ],
            ),
            (
                "Other family leave",
                [
                    "Employees receive 2 days of paid leave for their own wedding, 1 day for the wedding of a child, 3 days on the death of a partner, child or parent, and 1 day on the death of a grandparent or sibling. Care leave for a seriously ill family member is up to 10 days per year at 70% of salary.",
                ],
            ),
            (
                "How to apply",
                [
                    "Notify People and Culture at least 8 weeks before leave starts with form PC-07 in the Personio portal, together with the medical certificate stating the expected due date. Shift workers also inform their shift leader so the roster can be adjusted.",
                ],
            ),
        ],
    },
    {
        "path": "hr/hybrid-work.html",
        "title": "Hybrid Work Guidelines",
        "meta": {"owner": "People and Culture", "department": "hr"},
        "sections": [
            (
                "Who can work from home",
                [
                    "Office-based employees in finance, HR, IT, customer service and planning may work from home up to 2 days per week after their 3-month probation period. Warehouse, fleet and site roles are not eligible because the work must be done on site.",
                    "Wednesday is the anchor day: all hybrid employees are in the office on Wednesdays.",
                ],
            ),
            (
                "Home working allowance",
                [
                    "Hybrid employees receive a home working allowance of €40 per month, paid with the salary, and can borrow a monitor, keyboard and headset from IT. There is no one-off furniture budget.",
                ],
            ),
            (
                "Working from another country",
                [
                    "Working from home means working from your registered home address. Working from another country is allowed for at most 10 working days per year and needs approval from your manager and People and Culture at least 2 weeks in advance.",
                ],
            ),
            (
                "Availability",
                [
                    "Hybrid employees are reachable in Teams during core hours, 09:30-15:30, and answer calls from the operations floor within 30 minutes.",
                ],
            ),
        ],
    },
    {
        "path": "hr/training-budget.docx",
        "title": "Learning and Development Budget",
        "meta": {"owner": "People and Culture", "department": "hr"},
        "sections": [
            (
                "Annual budget",
                [
                    "Every employee has a personal learning budget per calendar year for courses, certifications, conferences and books related to their current or next role. Unused budget does not carry over.",
                    {
                        "table": [
                            ["Job level", "Annual learning budget", "Study days"],
                            ["Operatives and drivers", "€600", "2"],
                            ["Team leaders and specialists", "€1,200", "3"],
                            ["Managers", "€2,000", "4"],
                            ["Directors", "€3,500", "5"],
                        ]
                    },
                ],
            ),
            (
                "Mandatory training",
                [
                    "Legally required training (forklift licence, Code 95 driver CPC, first aid, ADR dangerous goods) is paid from the site budget and does not reduce the personal learning budget.",
                ],
            ),
            (
                "Approval and repayment",
                [
                    "Request a course in Personio; your manager approves requests up to €1,500 and People and Culture approves anything above that. If you leave Fabrikam within 12 months of finishing a course that cost more than €2,500, you repay 50% of the cost.",
                ],
            ),
        ],
    },
    {
        "path": "hr/gifts-and-hospitality.md",
        "title": "Gifts, Hospitality and Conflicts of Interest",
        "meta": {"owner": "Legal and Compliance", "department": "hr"},
        "sections": [
            (
                "Gifts",
                [
                    "Employees may accept gifts from customers, carriers or suppliers with a value of up to €50 per giver per year. Gifts above €50 must be declared in the Compliance Register within 5 working days and are usually handed to the raffle at the year-end party. Cash, vouchers and gift cards are never accepted, whatever the amount.",
                    "Employees involved in an ongoing tender may accept no gifts at all from the bidders.",
                ],
            ),
            (
                "Hospitality",
                [
                    "Business meals with a supplier are allowed when a business purpose is discussed and the cost is reasonable, up to €100 per person. Invitations to events, sports matches or trips need prior approval from your director; Fabrikam pays travel and hotel itself when the trip is approved.",
                ],
            ),
            (
                "Conflicts of interest",
                [
                    "Declare in the Compliance Register any financial interest in a supplier, carrier or customer, any second job, and any close relative working for a supplier. Declarations are reviewed by the Compliance Officer within 10 working days.",
                ],
            ),
            (
                "Speaking up",
                [
                    "Concerns about bribery or fraud can be reported to your manager, to the Compliance Officer, or anonymously through the SpeakUp line, which is run by an external provider. Fabrikam does not tolerate retaliation against anyone who reports in good faith.",
                ],
            ),
        ],
    },
    {
        "path": "hr/sickness-absence.html",
        "title": "Sickness Absence Procedure",
        "meta": {"owner": "People and Culture", "department": "hr"},
        "sections": [
            (
                "Calling in sick",
                [
                    "If you are ill, phone your shift leader or manager before your shift starts, and at the latest within 1 hour of the start of your working day. A message in WhatsApp or Teams is not enough. Also record the absence in Personio on the same day.",
                ],
            ),
            (
                "Medical certificate",
                [
                    "A medical certificate is required from the 3rd calendar day of absence, and from the first day for absences on a Monday, a Friday or the day before or after a public holiday. Upload it in Personio within 2 days.",
                ],
            ),
            (
                "Sick pay",
                [
                    "Fabrikam pays 100% of salary for the first 30 days of illness, after which the statutory health insurance benefit applies. The company doctor may be asked to check absence from the 4th day.",
                ],
            ),
            (
                "Return to work",
                [
                    "After an absence of 4 weeks or longer, the employee has a return-to-work meeting with the manager and, where useful, the company doctor, to agree a gradual return plan.",
                ],
            ),
        ],
    },
    # ------------------------------------------------------------------ IT
    {
        "path": "it/it-equipment-and-passwords.md",
        "title": "IT Equipment and Password Standard",
        "meta": {"owner": "IT Services", "department": "it"},
        "sections": [
            (
                "Standard equipment",
                [
                    {
                        "table": [
                            ["Role", "Device", "Replacement cycle"],
                            ["Office staff", "Lenovo ThinkPad T14, 16 GB", "4 years"],
                            [
                                "Planners and dispatchers",
                                "Lenovo ThinkPad T14 with two 27-inch monitors",
                                "4 years",
                            ],
                            [
                                "Warehouse operatives",
                                "Zebra TC58 handheld scanner (shared)",
                                "5 years",
                            ],
                            ["Drivers", "Samsung Galaxy XCover 7 phone", "3 years"],
                        ]
                    },
                    "Lost or stolen devices are reported to the IT Service Desk immediately, and in any case within 4 hours, so the device can be wiped remotely. Personal devices may access email only through the Outlook app with Intune enrolment.",
                ],
            ),
            (
                "Passwords",
                [
                    "Passwords are at least 14 characters long and are not reused across systems. They do not expire on a schedule, but must be changed at once if you suspect someone else knows them. Use the company password manager, Bitwarden, for any password you need to store.",
                    "Multi-factor authentication with the Microsoft Authenticator app is mandatory for email, Coupa, Personio and remote access. After 5 failed sign-in attempts an account is locked for 15 minutes.",
                ],
            ),
            (
                "Getting help",
                [
                    "The IT Service Desk is reachable on extension 4400 or at servicedesk.fabrikam.internal, Monday to Saturday from 06:00 to 22:00. Outside these hours a standby engineer handles only outages of the warehouse management system.",
                ],
            ),
        ],
    },
    {
        "path": "it/records-retention.pdf",
        "title": "Records Retention Schedule",
        "meta": {"owner": "Legal and Compliance", "department": "it"},
        "sections": [
            (
                "Purpose",
                [
                    "This schedule says how long Fabrikam Logistics keeps each type of record, in paper or electronic form. At the end of the retention period records are deleted or shredded unless a legal hold applies. A legal hold is set only by Legal and Compliance.",
                ],
            ),
            (
                "Retention periods",
                [
                    {
                        "table": [
                            ["Record type", "Retention period", "Owner"],
                            ["Invoices and accounting records", "7 years", "Finance"],
                            ["Consignment notes (CMR)", "5 years", "Operations"],
                            ["Tachograph data", "1 year", "Fleet Management"],
                            ["CCTV footage", "30 days", "Site security"],
                            ["Personnel files after leaving", "5 years", "People and Culture"],
                            ["Job applications (not hired)", "6 months", "People and Culture"],
                            ["Email mailboxes of leavers", "90 days", "IT Services"],
                        ]
                    },
                ],
            ),
            (
                "Personal data",
                [
                    "Personal data is kept no longer than the period above. Requests from employees or customers to see or delete their data go to the Data Protection Officer at privacy@fabrikam.example and are answered within 1 month.",
                ],
            ),
        ],
    },
    # ------------------------------------------------------------ security
    {
        "path": "security/cyber-incident-escalation.docx",
        "title": "Cyber Incident Escalation Procedure",
        "meta": {
            "owner": "IT Security",
            "department": "security",
            "acl": {"groups": ["security-team", "it-admins"]},
        },
        "sections": [
            (
                "Severity levels",
                [
                    {
                        "table": [
                            ["Severity", "Example", "Escalate to", "Response time"],
                            [
                                "P1",
                                "Ransomware on a server, warehouse management system down",
                                "CISO and on-call IT manager",
                                "15 minutes",
                            ],
                            [
                                "P2",
                                "Compromised user account, malware on one laptop",
                                "IT Security duty officer",
                                "1 hour",
                            ],
                            [
                                "P3",
                                "Phishing email reported, no click",
                                "IT Security queue",
                                "1 working day",
                            ],
                        ]
                    },
                ],
            ),
            (
                "First steps",
                [
                    "Isolate the affected device from the network but do not switch it off, so memory evidence is kept. Open a ticket in the SEC queue and start the incident log. For P1 incidents the CISO opens a bridge call and decides within 2 hours whether the crisis team is convened.",
                ],
            ),
            (
                "Notification",
                [
                    "If personal data may be affected, the Data Protection Officer is told at once, because the data protection authority must be notified within 72 hours. Customers are informed only by the Commercial Director after the CISO approves the wording.",
                ],
            ),
        ],
    },
]
