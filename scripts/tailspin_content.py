"""The Tailspin Toys staff policies: a third sample corpus for Colonnade.

A fictional toy maker with its head office and design studio in Bristol, a factory in
Brno (Czech Republic) and toy shops in the UK and Ireland. Each entry is one document: its
path under examples/tailspin/ (the extension picks the format), a title, optional metadata,
and sections of paragraphs and tables. Rendered by scripts/build_collection.py tailspin. PDF documents
write amounts as "GBP" and ranges with "to", the way the PDF renderer would print them.
"""

from __future__ import annotations

from typing import Any

Doc = dict[str, Any]

DOCS: list[Doc] = [
    # ---------------------------------------------------------------- retail
    {
        "path": "retail/staff-purchases.md",
        "title": "Staff Purchases, Returns and Warranty",
        "meta": {
            "owner": "Retail Operations",
            "department": "retail",
            "effective": "2026-02-01",
        },
        "sections": [
            (
                "Who can buy at the staff rate",
                [
                    "Employees on a permanent or fixed-term contract can buy Tailspin Toys products at the staff rate from their first day. Seasonal store colleagues qualify after 4 weeks of service. Contractors and agency workers do not receive the staff rate.",
                    "Show your staff card at the till, or sign in with your employee number at checkout on tailspintoys.com. The staff rate does not apply on third-party marketplaces or to gift cards.",
                ],
            ),
            (
                "Discounts, returns and warranty by range",
                [
                    {
                        "table": [
                            ["Product range", "Staff discount", "Returns window", "Warranty"],
                            [
                                "Own-brand toys and games (Buildabout, Pocket Pals)",
                                "30%",
                                "60 days",
                                "2 years",
                            ],
                            [
                                "Skylark remote-control planes and drones",
                                "20%",
                                "30 days",
                                "3 years",
                            ],
                            [
                                "Third-party brands sold in our shops",
                                "10%",
                                "30 days",
                                "Manufacturer's warranty",
                            ],
                            [
                                "Factory seconds (Brno seconds sale)",
                                "50%",
                                "No returns",
                                "None",
                            ],
                        ]
                    },
                    "Discounted purchases are limited to £1,500 per employee per calendar year, measured at the price paid. Anything above the limit is charged at the full price. Staff purchases are for yourself and for gifts to family and friends; reselling items bought at the staff rate, including on online auction sites, is a disciplinary matter.",
                    "The factory seconds sale is held at the Brno factory shop on the first Saturday of March, June, September and December. Seconds have cosmetic faults only and have passed every safety test.",
                ],
            ),
            (
                "Returning a staff purchase",
                [
                    "Staff purchases can be returned to any Tailspin shop in the UK or Ireland with the receipt or order number, within the returns window of their range counted from the day of purchase. Unopened items are refunded to the original payment method within 5 working days; opened items in working order are refunded as store credit only.",
                    "Items bought between 1 November and 24 December can be returned until 31 January of the following year, whatever their range's window.",
                ],
            ),
            (
                "Warranty claims",
                [
                    "If a product develops a fault within its warranty period, take it to the customer service desk of any shop or email warranty@tailspintoys.com with a photo and the batch code printed inside the battery cover. Faulty items are replaced, or refunded when no replacement is in stock.",
                    "Rechargeable batteries and chargers are covered for 6 months only. Damage from drops, water or modifications is not covered, and neither are Skylark propellers, which are sold as spare parts.",
                ],
            ),
        ],
    },
    # ------------------------------------------------------------ operations
    {
        "path": "operations/quality-control.pdf",
        "title": "Factory Quality Control Standard",
        "meta": {
            "owner": "Quality Assurance",
            "department": "operations",
            "effective": "2026-01-15",
        },
        "sections": [
            (
                "Scope",
                [
                    "This standard applies to every production line at the Brno factory and to finished goods received from contract manufacturers. It sets how finished lots are sampled, which defects are accepted at what rate, and who may stop a line. Sampling follows ISO 2859-1 at general inspection level II.",
                    "A lot is all units of one product made on one line in one shift. The sample is drawn at random from across the whole lot, never from the first pallet only.",
                ],
            ),
            (
                "Defect classes and acceptance limits",
                [
                    {
                        "table": [
                            ["Defect class", "Examples", "Acceptance limit (AQL)", "When exceeded"],
                            [
                                "Critical",
                                "Small part comes off in the torque or tension test, sharp edge or point, battery compartment opens without a tool",
                                "0 (zero tolerance)",
                                "Lot quarantined; Quality Manager told within 1 hour",
                            ],
                            [
                                "Major",
                                "Toy does not work, missing part, wrong colour, missing age warning or CE/UKCA mark",
                                "1.0",
                                "Lot reworked and re-inspected at tightened level",
                            ],
                            [
                                "Minor",
                                "Cosmetic scuff under 3 mm, slight colour variation, crooked print on the box",
                                "4.0",
                                "Recorded; line supervisor reviews the trend weekly",
                            ],
                        ]
                    },
                ],
            ),
            (
                "Sample sizes",
                [
                    "The number of units inspected depends on the size of the lot:",
                    {
                        "table": [
                            ["Lot size (units)", "Units inspected"],
                            ["2 to 90", "13"],
                            ["91 to 280", "32"],
                            ["281 to 1,200", "80"],
                            ["1,201 to 10,000", "200"],
                            ["10,001 to 35,000", "315"],
                            ["Over 35,000", "500"],
                        ]
                    },
                    "After 2 rejected lots out of 5 consecutive lots of a product, inspection of that product switches to the tightened level until 5 consecutive lots pass.",
                ],
            ),
            (
                "Safety tests",
                [
                    "Every lot of toys intended for children under 36 months is checked with the small parts cylinder. Parts a child can grip are pulled with 90 N for 10 seconds. Toys are dropped 10 times from 85 cm onto a concrete floor and must not release small parts or sharp edges. Battery compartments must need a screwdriver or a coin to open.",
                    "Three reference samples of every lot are kept in the retained samples store for 7 years.",
                ],
            ),
            (
                "Stopping the line",
                [
                    "Any operator who finds a critical defect pulls the andon cord; the line stops and the shift quality technician must be at the line within 10 minutes. Only the Quality Manager or the Plant Manager can release a quarantined lot.",
                    "If 3 lots from the same line fail in one week, the line stays stopped until a root cause analysis (8D report) has been approved by the Quality Manager.",
                ],
            ),
        ],
    },
    {
        "path": "operations/product-recall.docx",
        "title": "Product Recall Procedure",
        "meta": {
            "owner": "Product Safety",
            "department": "operations",
            "acl": {"groups": ["quality-team", "product-safety-board"]},
        },
        "sections": [
            (
                "Safety incidents",
                [
                    "A product safety incident is any report that a Tailspin product has hurt a child or could plausibly do so: choking, swallowed button batteries or magnets, sharp edges, burns or strangulation by cords. Reports reach us from customer service, shops, retailers, regulators and the factory. The Quality Manager logs each one in the Safety Incident Register within 24 hours.",
                ],
            ),
            (
                "Risk levels and decisions",
                [
                    {
                        "table": [
                            ["Risk level", "Example", "Decided by", "Decision within"],
                            [
                                "Serious",
                                "A magnet or button battery can come loose and be swallowed",
                                "Product Safety Board",
                                "24 hours",
                            ],
                            [
                                "High",
                                "A part breaks off and leaves a sharp point",
                                "Product Safety Board",
                                "3 working days",
                            ],
                            [
                                "Medium",
                                "Paint peels, no injury reported",
                                "Quality Manager",
                                "10 working days",
                            ],
                        ]
                    },
                    "The Product Safety Board is the Chief Operating Officer, the Quality Manager, the General Counsel and the Head of Product Design. Any two of them can convene it at any hour.",
                ],
            ),
            (
                "Stopping sales and notifying authorities",
                [
                    "Once a recall is decided, shops receive a stop-sale message and remove the product from the shelves within 4 hours; the web shop removes it within 1 hour. Stock in the Brno warehouse is blocked in the warehouse system.",
                    "When a product presents a serious risk, the Office for Product Safety and Standards in the UK and the market surveillance authorities of the EU countries concerned are notified within 2 working days of the decision.",
                ],
            ),
            (
                "Customers and the media",
                [
                    "Customers returning a recalled product get a full refund, with or without a receipt. Only the Chief Executive and the Head of Communications speak to journalists about a recall.",
                ],
            ),
        ],
    },
    # -------------------------------------------------------------------- it
    {
        "path": "it/on-call.html",
        "title": "On-Call Rota and Standby Pay",
        "meta": {"owner": "Engineering Operations", "department": "it"},
        "sections": [
            (
                "Who is on call",
                [
                    "Engineers in the Platform, Web Shop and Factory Systems teams join the on-call rota once they have passed their 6-month probation and shadowed two on-call weeks. The rota runs in weekly shifts that hand over every Monday at 10:00 UK time. Nobody is on call more than one week in four.",
                    "Engineers may swap weeks between themselves; the swap must be entered in PagerDuty before the handover.",
                ],
            ),
            (
                "Standby pay",
                [
                    {
                        "table": [
                            ["Rota", "Weekday night (Mon–Fri)", "Weekend day or bank holiday"],
                            ["Primary on-call", "£40 per night", "£120 per day"],
                            ["Secondary on-call", "£20 per night", "£60 per day"],
                            [
                                "Primary on-call in peak season (15 November – 31 December)",
                                "£60 per night",
                                "£180 per day",
                            ],
                        ]
                    },
                    "Standby pay is added to the salary of the month after the on-call week. Contractors on the rota are paid under their own contract, not under this table.",
                ],
            ),
            (
                "Call-outs",
                [
                    "When paged, acknowledge within 15 minutes and be working on the incident within 30 minutes. Time worked on a call-out is paid at 1.5 times your hourly rate, with a minimum of 1 hour per call-out.",
                    "If you work on a call-out after midnight, start the next working day no earlier than 11:00. If you worked more than 3 hours during the night, take the next working day off as rest, on full pay.",
                ],
            ),
            (
                "Equipment and availability",
                [
                    "On-call engineers receive a company phone with PagerDuty and a 4G hotspot. While on primary on-call, stay within 30 minutes of a reliable internet connection and do not drink alcohol.",
                ],
            ),
        ],
    },
    {
        "path": "it/access-and-devices.html",
        "title": "IT Access Requests and Lost Devices",
        "meta": {"owner": "IT Service Desk", "department": "it"},
        "sections": [
            (
                "Requesting access",
                [
                    "Request access to any system, shared drive or application with the Access Request form in the Service Portal. Each request states the business reason and is approved as follows:",
                    {
                        "table": [
                            ["Access to", "Approved by", "Usual turnaround"],
                            [
                                "Standard applications (email, Teams, Workday)",
                                "Line manager",
                                "1 working day",
                            ],
                            [
                                "Shared drives and SharePoint sites",
                                "Line manager and site owner",
                                "2 working days",
                            ],
                            [
                                "SAP finance and payroll",
                                "Line manager, system owner and Finance Controller",
                                "5 working days",
                            ],
                            [
                                "Factory systems (MES, line PLC dashboards)",
                                "Plant Manager",
                                "3 working days",
                            ],
                            [
                                "Administrator rights",
                                "Head of IT Security",
                                "5 working days",
                            ],
                        ]
                    },
                    "Administrator rights expire after 90 days and must be requested again. Every quarter, managers confirm who in their team has access to what; access that is not confirmed within 14 days is removed.",
                ],
            ),
            (
                "Joiners, movers and leavers",
                [
                    "Accounts for new starters are created when HR completes the hire in Workday, at least 5 working days before the first day. When someone changes team, the access of their old role is removed after 30 days. Leavers' accounts are disabled at 17:00 on their last working day.",
                ],
            ),
            (
                "Lost or stolen devices",
                [
                    "If a laptop, phone, tablet or security key is lost or stolen, report it to the IT Service Desk at once and within 2 hours at the latest, on +44 117 496 0420 (24 hours a day) or in the Service Portal. IT will lock the device and wipe it remotely. A theft must also be reported to the police, and the crime reference number added to the ticket.",
                    "A replacement laptop is ready for collection within 1 working day in Bristol and 2 working days at other sites. The first loss is not charged. After a second loss within 24 months, the employee pays £150 towards the replacement, unless the device was stolen and the theft reported to the police.",
                ],
            ),
            (
                "Personal phones",
                [
                    "You may read work email and Teams on your own phone only after enrolling it in Intune through the Company Portal app. Company files must not be stored on personal laptops.",
                ],
            ),
        ],
    },
    {
        "path": "it/data-classification.docx",
        "title": "Data Classification and Sharing Standard",
        "meta": {"owner": "Information Security", "department": "it"},
        "sections": [
            (
                "Classification levels",
                [
                    {
                        "table": [
                            ["Level", "Examples", "Sharing outside Tailspin"],
                            [
                                "Public",
                                "Published catalogue, press releases, shop opening hours",
                                "Anyone",
                            ],
                            [
                                "Internal",
                                "Intranet pages, organisation charts, meeting notes",
                                "Suppliers and partners under contract",
                            ],
                            [
                                "Confidential",
                                "Sales figures, supplier prices, customer orders, employee records",
                                "Named recipients under a signed NDA, encrypted",
                            ],
                            [
                                "Restricted",
                                "Unreleased product designs and prototypes, licensing deals, salary data",
                                "Only with written approval of the data owner, through Partner Vault",
                            ],
                        ]
                    },
                    "Whoever creates a document labels it with the sensitivity label in Office. Anything without a label is treated as Internal.",
                ],
            ),
            (
                "Sharing with factories and licensors",
                [
                    "Designs and prototype photos of unreleased products go to contract factories and licensors only through Partner Vault, never as email attachments or on USB sticks. Partner Vault links expire after 30 days.",
                    "Confidential files may be sent by email only when encrypted with the Encrypt button in Outlook, and never to personal email addresses. Nobody may photograph unreleased products in the design studio except the product photography team.",
                ],
            ),
            (
                "Storage, printing and disposal",
                [
                    "Keep Confidential and Restricted files in SharePoint or Partner Vault, not on a laptop's local drive or in personal cloud storage. Restricted documents are printed only on secure-release printers and are shredded in the locked blue consoles. USB drives must be encrypted and are issued by IT only.",
                ],
            ),
            (
                "Mistakes and breaches",
                [
                    "If information was sent to the wrong person or shared more widely than its level allows, tell Information Security within 1 hour at security@tailspintoys.com. Do not try to recall or delete the message yourself first.",
                ],
            ),
        ],
    },
    # --------------------------------------------------------------- finance
    {
        "path": "finance/business-travel.pdf",
        "title": "Business Travel and Daily Allowances",
        "meta": {"owner": "Finance", "department": "finance", "effective": "2026-04-06"},
        "sections": [
            (
                "Before you travel",
                [
                    "Book every business trip through the travel desk (travel@tailspintoys.com) at least 14 days before departure, once your manager has approved the trip request in Workday. Trips abroad also need the approval of a director, and trips to a country the travel desk rates as high risk need the approval of the Chief Operating Officer.",
                ],
            ),
            (
                "How you travel",
                [
                    "Take the train for journeys of up to 4 hours each way, in standard class. Flights are in economy class; premium economy is allowed for flights scheduled to last more than 6 hours, and business class only for flights of more than 10 hours with the approval of the Chief Financial Officer. Taxis are reimbursed when no public transport runs or when you carry product samples.",
                ],
            ),
            (
                "Daily allowance and hotel limits",
                [
                    "The daily allowance covers meals, drinks and small incidental costs; it needs no receipts. It is paid for each calendar day away with an overnight stay, and at half the rate for a day trip of more than 10 hours. Hotels are reimbursed up to the nightly limit for the country, breakfast included.",
                    {
                        "table": [
                            ["Country", "Daily allowance", "Hotel limit per night"],
                            ["United Kingdom (outside London)", "GBP 40", "GBP 130"],
                            ["London", "GBP 50", "GBP 210"],
                            ["Ireland", "GBP 50", "GBP 170"],
                            ["Czech Republic", "GBP 35", "GBP 110"],
                            ["Germany", "GBP 55", "GBP 160"],
                            ["France", "GBP 55", "GBP 175"],
                            ["United States", "GBP 65", "GBP 230"],
                            ["China (mainland)", "GBP 45", "GBP 140"],
                            ["Hong Kong", "GBP 60", "GBP 250"],
                        ]
                    },
                ],
            ),
            (
                "Toy fairs",
                [
                    "For the Nuremberg Toy Fair in January and the Hong Kong Toys and Games Fair in January, the travel desk books hotel rooms as a block a year ahead. Staff attending stay in those rooms, and the hotel limit does not apply to them.",
                ],
            ),
            (
                "Claiming expenses",
                [
                    "Claim expenses in Workday within 30 days of your return, with itemised receipts for everything except the daily allowance. Claims approved by the 20th of the month are paid with that month's salary.",
                ],
            ),
        ],
    },
    {
        "path": "finance/pension.md",
        "title": "Pension Plan and Employer Contributions",
        "meta": {"owner": "Reward", "department": "finance", "effective": "2026-04-06"},
        "sections": [
            (
                "Joining the plan",
                [
                    "Employees in the UK are enrolled in the Tailspin Toys Group Pension Plan, administered by Meridian Workplace Pensions, after 1 month of service. You can opt out within 1 month of being enrolled and get back everything you paid in; after that you can stop paying at any time, but what has been paid stays in the plan.",
                    "Employees in Ireland and the Czech Republic are covered by local plans, described in their country supplements.",
                ],
            ),
            (
                "Contributions",
                [
                    "You choose how much of your basic salary to pay in, from 3% upwards. Tailspin pays in according to the band your own contribution falls in:",
                    {
                        "table": [
                            ["Your contribution", "Tailspin contribution", "Total"],
                            ["3%", "5%", "8%"],
                            ["4%", "6%", "10%"],
                            ["5–6%", "7%", "12–13%"],
                            ["7% or more", "8%", "15% or more"],
                        ]
                    },
                    "Employees with 10 or more years of service receive an extra 1% from Tailspin on top of the table. Contributions are paid by salary exchange, which saves National Insurance; Tailspin adds half of its own National Insurance saving to your pension.",
                ],
            ),
            (
                "Changing your contribution",
                [
                    "Change your rate in the Meridian member portal. Changes made by the 10th of a month apply to that month's pay. You can change your rate up to 4 times a year.",
                ],
            ),
            (
                "Statements, funds and life cover",
                [
                    "Annual benefit statements are sent each May. Contributions go to the Meridian Lifestyle Fund unless you choose from the 12 other funds on the portal. Members of the plan have life cover of 4 times basic salary, paid to the beneficiaries they nominate.",
                ],
            ),
        ],
    },
    # -------------------------------------------------------------------- hr
    {
        "path": "hr/lease-scheme.docx",
        "title": "Car and Bike Lease Scheme",
        "meta": {"owner": "Reward", "department": "hr"},
        "sections": [
            (
                "How the scheme works",
                [
                    "Tailspin Toys offers electric cars and bicycles through salary sacrifice: the monthly lease payment is taken from your gross salary before tax and National Insurance. The scheme is run by our leasing partner Greenmile Leasing.",
                    "Employees can join once they have passed probation, provided their salary after the sacrifice stays above the National Minimum Wage. Applications are open from 1 to 31 March and from 1 to 30 September each year.",
                ],
            ),
            (
                "Cars",
                [
                    "Only fully electric cars can be ordered. A car lease runs for 36 months, or 24 months for employees on a fixed-term contract with at least 24 months left. The payment includes insurance, servicing, tyres and breakdown cover. Charging is not included, but a home charger is fitted free of charge.",
                    {
                        "table": [
                            ["Job grade", "Maximum list price of the car"],
                            ["Grades 1–3", "£35,000"],
                            ["Grades 4–6", "£45,000"],
                            ["Grades 7–8", "£55,000"],
                            ["Grade 9 and above", "£70,000"],
                        ]
                    },
                ],
            ),
            (
                "Bikes",
                [
                    "Bikes and e-bikes, with a helmet, lock and lights, are leased for 12 months, up to a total value of £4,000 for an e-bike and £2,500 for any other bicycle. At the end of the term you can buy the bike for 7% of its original price or give it back. Repairs are at your own cost.",
                ],
            ),
            (
                "Ending a car lease early",
                [
                    "If you leave Tailspin Toys, take unpaid leave of more than 4 weeks, or your salary falls below the threshold, the car lease ends early and an early termination charge is deducted from your final pay:",
                    {
                        "table": [
                            ["Time since the car was delivered", "Early termination charge"],
                            ["Less than 12 months", "3 monthly payments"],
                            ["12–24 months", "2 monthly payments"],
                            ["More than 24 months", "1 monthly payment"],
                        ]
                    },
                    "No charge is made when the lease ends because of redundancy or ill-health retirement, or during maternity, paternity, adoption or shared parental leave, when the payments continue from your statutory pay or are paused.",
                ],
            ),
        ],
    },
    {
        "path": "hr/learning-certifications.md",
        "title": "Learning and Certifications",
        "meta": {"owner": "People Development", "department": "hr"},
        "sections": [
            (
                "Learning time",
                [
                    "Every employee has 5 days of learning time a year, agreed with their manager and booked in Skill Hub, the Tailspin learning platform. Mandatory courses (product safety, data protection and anti-bribery) must be completed within 30 days of joining and repeated every 2 years.",
                ],
            ),
            (
                "Funded certifications",
                [
                    "Tailspin pays for professional certifications linked to your role once your manager and the People Development team approve the request in Skill Hub. The exam fee is paid for the first two attempts at the same exam; any further attempt is at your own cost. Study materials are reimbursed up to £300 per certification.",
                    {
                        "table": [
                            [
                                "Role family",
                                "Certification budget per person per year",
                                "Typical certifications",
                            ],
                            ["Engineering and IT", "£2,500", "AWS, Azure, Kubernetes, ISTQB"],
                            [
                                "Quality and product safety",
                                "£2,000",
                                "Lead auditor, NEBOSH certificate",
                            ],
                            ["Finance", "£3,000", "ACCA or CIMA papers"],
                            ["Shop teams", "£600", "Retail team leader diploma"],
                            ["All other roles", "£1,000", "Agreed with People Development"],
                        ]
                    },
                    "You get 1 day of paid study leave before each exam, and the exam day itself is paid.",
                ],
            ),
            (
                "Paying back when you leave",
                [
                    "If you resign within 24 months of completing a funded certification or course that cost more than £1,000, you pay back part of its cost:",
                    {
                        "table": [
                            ["You leave within", "Share of the cost you repay"],
                            ["0–6 months", "100%"],
                            ["6–12 months", "75%"],
                            ["12–18 months", "50%"],
                            ["18–24 months", "25%"],
                        ]
                    },
                    "Nothing is repaid after 24 months, or when Tailspin ends your employment for redundancy.",
                ],
            ),
        ],
    },
    {
        "path": "hr/speak-up.md",
        "title": "Speak Up Policy",
        "meta": {"owner": "Legal and Compliance", "department": "hr"},
        "sections": [
            (
                "What you can raise",
                [
                    "Raise a concern about anything you believe is wrong at work: a product safety risk that is being ignored, bribery or fraud, a breach of the law, forced labour or unsafe conditions at a supplier's factory, harassment that is not being dealt with, or a cover-up of any of these. Complaints about your own pay or contract go through the grievance procedure instead.",
                    "The policy is open to employees, former employees, contractors, agency and temporary workers, and the workers of our suppliers and contract factories.",
                ],
            ),
            (
                "How to raise a concern",
                [
                    "Talk to your manager, any director, or the Speak Up Officer, who is the General Counsel, Priya Raman. If you would rather not, use the Speak Up line, which an independent provider runs 24 hours a day, 7 days a week: 0800 048 7312 in the UK, 1800 812 640 in Ireland and 800 050 144 in the Czech Republic, or the web form at speakup.tailspintoys.com.",
                    "You may stay anonymous on the Speak Up line. The provider passes your report on without your name and gives you a case number and PIN to follow it up.",
                ],
            ),
            (
                "What happens next",
                [
                    {
                        "table": [
                            ["Step", "When"],
                            ["Receipt of the concern confirmed to you", "Within 7 days"],
                            ["Concern assessed and an investigator appointed", "Within 14 days"],
                            ["Feedback to you on the outcome", "Within 3 months"],
                            ["Summary of all cases to the Audit Committee", "Every 6 months"],
                        ]
                    },
                    "Investigators are never from the team the concern is about.",
                ],
            ),
            (
                "Protection",
                [
                    "Nobody who raises a concern honestly will be dismissed, disciplined or treated less well because of it, even if the concern turns out to be mistaken. Retaliating against someone who has spoken up is gross misconduct. Knowingly making a false report is a disciplinary matter.",
                ],
            ),
        ],
    },
    {
        "path": "hr/relocation.pdf",
        "title": "Relocation Support Policy",
        "meta": {"owner": "People Operations", "department": "hr"},
        "sections": [
            (
                "Eligibility",
                [
                    "Relocation support is offered when Tailspin asks you to move, or you accept an internal role, at a workplace more than 50 miles from your current home, and you move within 12 months of starting in the new role. New hires receive support only when their offer letter says so.",
                    "Ask your HR business partner for the Relocation Request form before you sign a lease or buy a home; costs committed before approval are not reimbursed.",
                ],
            ),
            (
                "Allowance and temporary housing",
                [
                    {
                        "table": [
                            ["Move", "Relocation allowance", "Temporary housing"],
                            ["Within the UK or within Ireland", "up to GBP 8,000", "up to 4 weeks"],
                            ["Between the UK and Ireland", "up to GBP 10,000", "up to 6 weeks"],
                            ["To or from Brno", "up to GBP 15,000", "up to 8 weeks"],
                            [
                                "Any other international move",
                                "agreed case by case",
                                "up to 8 weeks",
                            ],
                        ]
                    },
                    "The allowance covers removals, one house-hunting trip of up to 3 days for you and your partner, legal and estate agent fees, and connecting utilities. Costs are reimbursed against receipts. You also get 2 days of paid moving leave on top of your annual leave.",
                ],
            ),
            (
                "Tax, visas and schools",
                [
                    "Up to GBP 8,000 of qualifying relocation costs can be paid free of income tax; Tailspin pays the tax due on any amount above that. For international moves Tailspin pays for work permits and visas for you, your partner and your children, and for 2 hours of advice from our tax advisers. School search support is provided for children of school age.",
                ],
            ),
            (
                "Paying back",
                [
                    "If you resign within 24 months of your move date, you pay back the relocation costs: all of them if you leave within the first 12 months, and half of them if you leave between 12 and 24 months after the move.",
                ],
            ),
        ],
    },
    {
        "path": "hr/civic-leave.html",
        "title": "Jury Service and Civic Duties Leave",
        "meta": {"owner": "People Operations", "department": "hr"},
        "sections": [
            (
                "Jury service",
                [
                    "If you are summoned for jury service, tell your manager and send a copy of the summons to HR within 7 days of receiving it. Tailspin pays your normal salary for up to 15 working days of jury service. For longer trials, claim the loss of earnings allowance from the court; Tailspin then pays the difference between that allowance and your normal pay for up to 20 further working days.",
                    "On days when the court does not need you, come back to work if it is reasonably practical. Shop managers may ask the court once to defer a summons that falls between 1 November and 24 December.",
                ],
            ),
            (
                "Other civic duties",
                [
                    {
                        "table": [
                            ["Duty", "Paid leave per year", "Notes"],
                            [
                                "Magistrate",
                                "10 days",
                                "Reasonable further unpaid leave on request",
                            ],
                            [
                                "Reserve forces training",
                                "15 days",
                                "Includes the annual training camp",
                            ],
                            ["School or college governor", "5 days", ""],
                            ["Local councillor", "6 days", ""],
                            [
                                "Retained firefighter or special constable",
                                "5 days",
                                "Further call-outs in working hours are unpaid",
                            ],
                            [
                                "Witness in court",
                                "As needed",
                                "Full pay; hand over any compensation the court pays for lost earnings",
                            ],
                        ]
                    },
                    "Request civic leave in Workday with at least 4 weeks' notice when the dates are known. Unused civic leave does not carry over to the next year. Contractors and agency workers are not covered by this policy and should speak to their agency or employer.",
                ],
            ),
            (
                "Volunteering days",
                [
                    "On top of civic leave, every employee has 2 paid volunteering days a year for a registered charity, taken as full or half days.",
                ],
            ),
        ],
    },
    {
        "path": "hr/wellbeing.html",
        "title": "Canteen, Wellbeing and Employee Assistance",
        "meta": {"owner": "People Operations", "department": "hr"},
        "sections": [
            (
                "Canteens",
                [
                    "The staff canteens in Bristol and Brno serve breakfast from 07:00 to 09:30 and lunch from 11:30 to 14:00. The Brno canteen also opens for the night shift from 22:30 to 23:30. Meals are subsidised and paid with your staff card.",
                    {
                        "table": [
                            ["Item", "Bristol", "Brno"],
                            ["Breakfast", "£2.00", "45 CZK"],
                            ["Hot lunch", "£3.50", "95 CZK"],
                            ["Soup and bread", "£1.80", "40 CZK"],
                            ["Salad bar, per bowl", "£3.00", "75 CZK"],
                            ["Fruit, tea and coffee", "Free", "Free"],
                        ]
                    },
                    "Shop colleagues receive a meal allowance of £4 for every shift longer than 6 hours, paid through payroll.",
                ],
            ),
            (
                "Employee Assistance Programme",
                [
                    "The Employee Assistance Programme is free, confidential and open 24 hours a day on 0800 169 2254. It offers up to 6 counselling sessions per issue a year, by phone, video or in person, and legal, debt and money advice. Your partner and children over 16 who live with you can use it too.",
                ],
            ),
            (
                "Health and fitness",
                [
                    "Tailspin pays £25 a month towards a gym or sports club membership (the Active Allowance), claimed in Workday with proof of membership. Flu vaccinations are free at every site each October.",
                    "If you use a screen for work, eye tests are reimbursed up to £30 every 2 years, and glasses needed for screen work up to £70.",
                ],
            ),
            (
                "Mental health support",
                [
                    "Every site has trained mental health first aiders, listed on the intranet. The quiet room on the second floor in Bristol can be booked for up to 1 hour at a time.",
                ],
            ),
        ],
    },
]
