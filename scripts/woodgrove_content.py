"""The Woodgrove Bank staff policies: a sixth sample corpus for Colonnade.

A fictional UK retail bank with its head office at Wellington Place in Leeds, regional offices in
Edinburgh and Birmingham, contact centres in Glasgow and Swansea and branches across England,
Scotland and Wales. Each entry is one document: its path under examples/woodgrove/ (the
extension picks the format), a title, optional metadata, and sections of paragraphs and tables.
Rendered by scripts/build_collection.py woodgrove. PDF documents write amounts as "GBP" and
ranges with "to", the way the PDF renderer would print them.
"""

from __future__ import annotations

from typing import Any

Doc = dict[str, Any]

DOCS: list[Doc] = [
    # -------------------------------------------------------------- branches
    {
        "path": "branches/cash-and-vault.pdf",
        "title": "Cash Handling and Vault Dual Control",
        "meta": {"owner": "Branch Risk", "department": "branches", "effective": "2026-01-05"},
        "sections": [
            (
                "Who this applies to",
                [
                    "These rules apply to every colleague who handles cash in a Woodgrove branch: cashiers, customer service advisers, senior cashiers, branch managers and relief staff. Contractors and work-experience students never handle cash.",
                ],
            ),
            (
                "Dual control",
                [
                    "The vault, the ATM safe and the night safe are opened only under dual control: two authorised colleagues, each holding one half of the combination or one of the two keys. Nobody may hold both halves, even for a moment, and nobody opens the vault while only one colleague is in the branch.",
                    "The vault has a 15-minute time delay and cannot be opened between 18:00 and 07:30. Combinations are changed every 3 months, whenever a combination holder leaves the branch, and straight away if a combination may have been seen by someone else. Both holders record every opening in VaultLog.",
                ],
            ),
            (
                "Cash limits",
                [
                    {
                        "table": [
                            ["Transaction or holding", "Limit", "Above the limit"],
                            [
                                "Notes in a cashier's till drawer",
                                "GBP 8,000",
                                "Move the excess to the vault under dual control",
                            ],
                            [
                                "Cash withdrawal over the counter",
                                "Up to GBP 2,500",
                                "A senior cashier authorises up to GBP 10,000",
                            ],
                            [
                                "Cash withdrawal of more than GBP 10,000",
                                "3 working days' notice",
                                "The branch manager authorises it",
                            ],
                            [
                                "Foreign currency sold to one customer",
                                "GBP 3,000 a day",
                                "Not allowed",
                            ],
                            [
                                "Cash held in the branch overnight",
                                "GBP 150,000",
                                "Order an extra cash collection",
                            ],
                        ]
                    },
                ],
            ),
            (
                "Counterfeit notes",
                [
                    "Check every GBP 20 and GBP 50 note under the UV lamp. Keep a note you suspect is counterfeit, give the customer a receipt on form CH7 and do not give value for it. Send the note to Branch Risk in a sealed envelope with the weekly cash return.",
                ],
            ),
            (
                "Balancing and differences",
                [
                    "Every till is balanced at the end of the day by the cashier and checked by a second colleague. A difference of up to GBP 10 is recorded in TellerNet and needs no further action. A difference of more than GBP 10 is reported to the branch manager before the branch closes. A difference of more than GBP 250, or a vault difference of any size, is reported to Branch Risk the same day and investigated.",
                    "Three differences of more than GBP 10 in any 3 months lead to a cash handling review with the branch manager. Never make up a shortage from your own money, and never keep a surplus.",
                ],
            ),
            (
                "Cash deliveries and collections",
                [
                    "Cash is delivered and collected by the cash-in-transit crew by appointment only, through the secure door. Check the crew's ID against the day's crew list in VaultLog before opening the door; if the names do not match, keep the door shut and call the Branch Security Line on 0113 496 0312. Never take cash out of the branch yourself.",
                ],
            ),
        ],
    },
    {
        "path": "branches/opening-closing-lone-working.docx",
        "title": "Branch Opening, Closing and Lone Working",
        "meta": {"owner": "Branch Security", "department": "branches"},
        "sections": [
            (
                "Opening the branch",
                [
                    "A branch is opened by two keyholders together. Both arrive at least 30 minutes before the doors open to customers. One keyholder goes in and checks the branch while the other waits outside, across the road and out of sight of the door. The colleague inside gives the all-clear signal within 10 minutes; if no signal comes, the colleague outside does not go in, moves away and calls the Branch Security Line on 0113 496 0312.",
                ],
            ),
            (
                "Closing the branch",
                [
                    "Before setting the alarm, check that the toilets, interview rooms and staff areas are empty. All cash must be in the vault with the time lock set before the last colleagues leave. Nobody leaves last on their own: the last two keyholders leave together.",
                ],
            ),
            (
                "Keyholders and call-outs",
                [
                    "Keyholders are named by the area director, and every branch keeps at least 4. A keyholder on the call-out rota must be able to reach the branch within 30 minutes of a call from the alarm receiving centre, and must never attend alone: a second keyholder or the police must be there before anyone goes in.",
                    "Keyholders receive £30 for each week on the call-out rota and £45 for each call-out they attend, claimed in PeopleSpace.",
                ],
            ),
            (
                "Working alone",
                [
                    "Colleagues who work alone, for example in a satellite branch staffed by one person or in the branch before a colleague arrives, use the SafeCheck app on their work phone. Check in when you start and every 60 minutes after that. A missed check-in triggers a call from the monitoring centre; after 10 minutes without an answer, the centre calls the branch manager and then the police.",
                    "Cash is never counted, and the vault never opened, by one person alone. Colleagues who are pregnant or under 18 do not work alone.",
                ],
            ),
            (
                "Duress, robbery and break-ins",
                [
                    {
                        "table": [
                            ["Situation", "What to do"],
                            [
                                "You are forced to open the branch or the vault",
                                "Enter your duress code on the alarm panel instead of your normal code, and do what you are told",
                            ],
                            [
                                "Robbery while the branch is open",
                                "Hand over the cash asked for, do not chase, press the hold-up alarm when it is safe, then lock the doors and keep everyone away from where the robbers stood",
                            ],
                            [
                                "Signs of a break-in when you arrive",
                                "Do not go in; call 999, then the Branch Security Line",
                            ],
                            [
                                "Suspicious package or a threatening phone call",
                                "Evacuate the branch and call 999; write down the exact words of the call",
                            ],
                        ]
                    },
                ],
            ),
            (
                "After an incident",
                [
                    "Every colleague involved in a robbery, break-in or threat is offered counselling through the Employee Assistance Programme and may take up to 2 days of paid special leave. The area director visits the branch within 2 working days.",
                ],
            ),
        ],
    },
    {
        "path": "branches/know-your-customer.md",
        "title": "Know Your Customer: Identity and Address Checks",
        "meta": {
            "owner": "Financial Crime Compliance",
            "department": "compliance",
            "effective": "2026-02-16",
        },
        "sections": [
            (
                "When checks are needed",
                [
                    "Identity and address are verified before opening any account, adding a joint account holder or a power of attorney, or changing a customer's name. Existing customers are checked again when their details change and when their KYC review is due. Customers who open an account online are verified through a VerifyNow video check; in a branch, the adviser checks the original documents in person.",
                ],
            ),
            (
                "Acceptable documents",
                [
                    {
                        "table": [
                            ["Document", "Proves identity", "Proves address", "Conditions"],
                            ["Passport from any country", "Yes", "No", "Must not have expired"],
                            [
                                "UK photocard driving licence, full or provisional",
                                "Yes",
                                "Yes",
                                "Cannot prove both identity and address for the same customer",
                            ],
                            ["EU national identity card", "Yes", "No", "Must not have expired"],
                            [
                                "Biometric residence permit or eVisa",
                                "Yes",
                                "No",
                                "eVisas are checked online with the customer's share code",
                            ],
                            [
                                "Utility bill (not a mobile phone bill)",
                                "No",
                                "Yes",
                                "Dated within the last 3 months",
                            ],
                            ["Council tax bill", "No", "Yes", "For the current tax year"],
                            [
                                "Bank or building society statement",
                                "No",
                                "Yes",
                                "Dated within the last 3 months, and not from Woodgrove",
                            ],
                            [
                                "Benefit or tax letter from a government department",
                                "No",
                                "Yes",
                                "Dated within the last 12 months",
                            ],
                        ]
                    },
                    "Statements and utility bills printed in full from an online account are accepted. Screenshots and photocopies are never accepted.",
                ],
            ),
            (
                "Customers without standard documents",
                [
                    "Customers who cannot provide these documents, such as people leaving care, refugees, people released from prison or people of no fixed address, can open a Basic Bank Account with a letter from a recognised organisation: a hostel, a social worker, a prison resettlement team or a refugee support charity, on headed paper and dated within the last 3 months. Call the Branch Support Desk before turning anyone away: an account is never refused only because a customer has no passport or driving licence.",
                ],
            ),
            (
                "Risk ratings and reviews",
                [
                    {
                        "table": [
                            ["Customer risk rating", "KYC review", "Review approved by"],
                            ["Low", "Every 5 years", "Automatically in KYC Hub"],
                            ["Medium", "Every 3 years", "The branch or contact centre adviser"],
                            ["High", "Every 12 months", "Financial Crime Compliance"],
                            [
                                "Politically exposed person (PEP)",
                                "Every 12 months",
                                "Financial Crime Compliance and the Money Laundering Reporting Officer",
                            ],
                        ]
                    },
                ],
            ),
            (
                "Cash deposits and suspicion",
                [
                    "Ask about the source of the money for any cash deposit of £5,000 or more, or for smaller cash deposits that add up to £10,000 within 30 days, and record the answer in KYC Hub. If anything makes you suspicious, raise an internal suspicious activity report in KYC Hub the same day.",
                    "Never tell a customer that a report has been made or that they are being looked into: tipping off is a criminal offence.",
                ],
            ),
        ],
    },
    {
        "path": "branches/fraud-scams-vulnerable-customers.docx",
        "title": "Fraud, Scams and Vulnerable Customers",
        "meta": {
            "owner": "Fraud Operations",
            "department": "customers",
            "acl": {"groups": ["branch-colleagues", "contact-centre-colleagues"]},
        },
        "sections": [
            (
                "Spotting a scam",
                [
                    "Stop and question any payment or withdrawal that looks out of character for the customer, especially: a large cash withdrawal by an older customer for building work or a family emergency; a customer who is on the phone to someone while making the transaction; a first payment of more than £1,000 to a new payee at a cryptocurrency exchange or abroad; or a customer who says that the bank's security team or the police told them to move their money.",
                    "Ask open questions, away from the counter in an interview room, or on the phone with the caller's full attention. Never accuse the customer or the person they are talking to.",
                ],
            ),
            (
                "Escalation",
                [
                    {
                        "table": [
                            ["Situation", "What to do", "When"],
                            [
                                "You suspect a customer in the branch is being scammed right now",
                                "Delay the transaction, call the Fraud Escalation Line on 0113 496 0455 and invoke the Banking Protocol, under which the police come to the branch",
                                "Immediately",
                            ],
                            [
                                "The customer insists on going ahead after you have raised your concerns",
                                "Hold the payment for an extended payment review while Fraud Operations contacts the customer",
                                "Up to 4 business days",
                            ],
                            [
                                "A customer tells you they have already been scammed",
                                "Log a fraud claim in FraudDesk and block their cards and online banking",
                                "Before the customer leaves or the call ends",
                            ],
                            [
                                "You suspect a colleague of fraud",
                                "Report it to the Whistleblowing Line or the Head of Internal Fraud, and do not investigate it yourself",
                                "The same day",
                            ],
                        ]
                    },
                ],
            ),
            (
                "Reimbursement",
                [
                    "Customers tricked into sending a payment to a fraudster can be reimbursed up to £85,000 per claim. Fraud Operations decides within 5 business days, or within 35 business days where more information is needed. Never promise a customer a refund yourself.",
                ],
            ),
            (
                "Vulnerable customers",
                [
                    "A customer may be vulnerable because of their health, a life event such as a bereavement or losing their job, low financial resilience, or low capability such as difficulty reading or limited English. With the customer's consent, record their needs on the Customer Support Register in CustomerView, so that every colleague can adjust how they help: longer appointments, large-print letters or a nominated third party, for example. Records are reviewed every 12 months.",
                    "Refer customers who need specialist help to the Vulnerable Customer Support Team, who call them back within 2 working days.",
                ],
            ),
        ],
    },
    # ------------------------------------------------------------- customers
    {
        "path": "customers/complaints-handling.html",
        "title": "Customer Complaints Handling",
        "meta": {"owner": "Customer Relations", "department": "customers"},
        "sections": [
            (
                "What counts as a complaint",
                [
                    "Any expression of dissatisfaction from a customer, spoken or written, justified or not, about Woodgrove or a service we provide is a complaint. The customer does not need to use the word complaint. Log every complaint in CaseTrack on the day it is received, even if you resolve it straight away.",
                ],
            ),
            (
                "Deadlines",
                [
                    {
                        "table": [
                            ["Stage", "Deadline", "Letter sent"],
                            [
                                "Acknowledgement",
                                "Within 2 business days of receiving the complaint",
                                "CR1, with the handler's name and direct line",
                            ],
                            [
                                "Complaint resolved quickly",
                                "By the end of the third business day after it was received",
                                "CR2 summary resolution letter",
                            ],
                            [
                                "Complaints about payment services (cards, transfers, direct debits)",
                                "15 business days, or 35 business days in exceptional circumstances",
                                "CR4 final response",
                            ],
                            [
                                "All other complaints",
                                "8 weeks",
                                "CR4 final response, or a CR3 holding letter explaining the delay",
                            ],
                        ]
                    },
                    "Customers whose complaint is still open receive an update from their handler at least every 4 weeks. Every final response and holding letter tells the customer that they can refer the complaint to the Financial Ombudsman Service within 6 months of the date of the letter.",
                ],
            ),
            (
                "Putting things right",
                [
                    "Refunds of our own fees and interest charged in error are always made in full and do not count against the limits below. A goodwill payment for distress or inconvenience can be approved up to these limits:",
                    {
                        "table": [
                            ["Role", "Goodwill payment up to"],
                            ["Customer service adviser or contact centre agent", "£100"],
                            ["Team leader or branch manager", "£500"],
                            ["Customer Relations case handler", "£2,500"],
                            ["Head of Customer Relations", "Any amount above £2,500"],
                        ]
                    },
                    "Complaints about discrimination, a colleague's behaviour or a data breach go to Customer Relations in CaseTrack within 1 business day, whatever their size.",
                ],
            ),
            (
                "Complaints about you",
                [
                    "If a complaint is about you personally, your team leader passes it to another colleague to handle. A complaint is only taken into account in your performance review if it is upheld after an investigation.",
                ],
            ),
        ],
    },
    # -------------------------------------------------------- contact centre
    {
        "path": "contact-centre/shifts-and-breaks.html",
        "title": "Contact Centre Shift Patterns and Breaks",
        "meta": {"owner": "Contact Centre Operations", "department": "contact-centre"},
        "sections": [
            (
                "Opening hours",
                [
                    "The contact centres in Glasgow and Swansea answer calls from 07:00 to 22:00 Monday to Friday, 08:00 to 18:00 on Saturdays and 09:00 to 17:00 on Sundays. The Lost and Stolen Cards line and the Fraud line are open 24 hours a day, every day, and are staffed at night by the night team in Glasgow.",
                ],
            ),
            (
                "Shift patterns",
                [
                    {
                        "table": [
                            ["Shift", "Hours", "Unpaid lunch"],
                            ["Early", "07:00–15:30", "30 minutes"],
                            ["Middle", "10:00–18:30", "30 minutes"],
                            ["Late", "13:30–22:00", "30 minutes"],
                            ["Saturday", "08:00–16:30", "30 minutes"],
                            ["Sunday", "09:00–17:00", "30 minutes"],
                            ["Night (Glasgow only)", "21:45–07:15", "None; a paid 45-minute break"],
                        ]
                    },
                    "Full-time agents work 37.5 hours over 5 shifts a week, with one weekend shift in every 3 weeks. Part-time agents work at least 16 hours a week and one weekend shift in every 4 weeks.",
                ],
            ),
            (
                "Rotas and swaps",
                [
                    "Rotas are published in RotaHub 6 weeks ahead. You can swap a shift with a colleague in the same skill group in RotaHub up to 48 hours before it starts; the swap needs your team leader's approval. A change to your shift that the business asks for with less than 7 days' notice is voluntary.",
                ],
            ),
            (
                "Breaks",
                [
                    "As well as lunch, you have a paid 10-minute screen break for every 2 hours on the phones, at the time Workforce Planning schedules it in RotaHub. After each call you have up to 60 seconds in the After Call Work status. After a distressing call, for example with a bereaved or suicidal customer, you can take up to 15 minutes' wellbeing time in the Wellbeing status, telling your team leader. The schedule adherence target is 92%.",
                ],
            ),
            (
                "Working from home",
                [
                    "Agents who have completed 6 months in the contact centre and averaged a quality score of at least 85% over the last 3 months may work from home for up to 2 shifts a week, with their team leader's agreement. You need a private room and a wired broadband connection of at least 20 Mbps. Night shifts are always worked in the Glasgow centre.",
                ],
            ),
        ],
    },
    {
        "path": "contact-centre/call-recording.md",
        "title": "Call Recording and Quality Monitoring",
        "meta": {
            "owner": "Contact Centre Operations",
            "department": "contact-centre",
            "effective": "2026-03-02",
        },
        "sections": [
            (
                "What is recorded",
                [
                    "Every inbound and outbound call on CallVault, the contact centre telephony platform, is recorded together with the agent's screen. Customers hear a message at the start of every call telling them that it is recorded. Customer calls are never made from personal mobiles.",
                ],
            ),
            (
                "Card details",
                [
                    "Never let a customer read a full card number or security code aloud. Transfer them to SecurePay, where they key the numbers on their phone keypad and the recording is masked. If a customer starts reading a card number out anyway, press Pause in CallVault and resume recording afterwards. Never write card numbers down.",
                ],
            ),
            (
                "How long recordings are kept",
                [
                    {
                        "table": [
                            ["Call type", "Kept for"],
                            ["General servicing calls", "13 months"],
                            ["Calls about mortgages, loans or credit cards", "3 years"],
                            ["Investment and ISA advice calls", "5 years"],
                            [
                                "Calls linked to a complaint",
                                "6 years after the complaint is closed",
                            ],
                            [
                                "Calls linked to a fraud claim or a suspicious activity report",
                                "7 years",
                            ],
                        ]
                    },
                ],
            ),
            (
                "Customers asking for a recording",
                [
                    "Customers may ask for a copy of a call. Pass the request to the Data Protection Office on the same day, with the DPO request form in CustomerView; the Data Protection Office has 1 calendar month to respond. Never play or send a recording to a customer yourself.",
                ],
            ),
            (
                "Quality monitoring",
                [
                    "Team leaders score 5 calls per agent per month against the Quality Framework. An agent who scores below 80% in a month has a coaching session within 5 working days; a score below 80% for 3 months in a row starts a performance improvement plan.",
                    "A call with a serious failing, such as not verifying the caller or selling a product the customer does not need, is an automatic fail and is reviewed with the agent within 2 working days. Agents can listen to their own calls in CallVault for 30 days after the call.",
                ],
            ),
        ],
    },
    # ---------------------------------------------------------------- people
    {
        "path": "people/annual-leave.html",
        "title": "Annual Leave and Blackout Periods",
        "meta": {"owner": "People Services", "department": "people"},
        "sections": [
            (
                "How much leave",
                [
                    "The leave year runs from 1 January to 31 December. Full-time colleagues receive the annual leave below, plus the 8 bank holidays of England and Wales, or 9 public holidays in Scotland, set locally. Part-time colleagues receive it pro rata, calculated in hours in PeopleSpace.",
                    {
                        "table": [
                            [
                                "Completed years of service on 1 January",
                                "Annual leave (full-time)",
                            ],
                            ["Less than 2 years", "25 days"],
                            ["2 to 4 years", "26 days"],
                            ["5 to 9 years", "28 days"],
                            ["10 years or more", "30 days"],
                        ]
                    },
                    "Colleagues who join during the year receive a share of the leave in proportion to the months left in the year.",
                ],
            ),
            (
                "Booking leave",
                [
                    "Book leave in PeopleSpace, giving at least twice as much notice as the leave you ask for: for example, 2 weeks' notice for 1 week off. Branch and contact centre colleagues need their manager's manager to approve more than 2 weeks in a row. In a branch with fewer than 6 colleagues, only one colleague can be on leave at a time.",
                ],
            ),
            (
                "Blackout periods",
                [
                    {
                        "table": [
                            ["Team", "Blackout period", "Why"],
                            [
                                "Finance, Treasury and Regulatory Reporting",
                                "15 December to 20 January",
                                "Year-end close and audit",
                            ],
                            [
                                "IT Change and Release",
                                "1 December to 2 January",
                                "Year-end change freeze",
                            ],
                            [
                                "Branches and the savings contact centre",
                                "25 March to 7 April",
                                "End of the ISA tax year",
                            ],
                            [
                                "All other contact centre teams",
                                "2 January to 16 January",
                                "Peak of card and statement calls after the holidays",
                            ],
                        ]
                    },
                    "During a blackout period, leave is approved only for emergencies, or by your director for a wedding or another event you could not move. Leave approved before a blackout period was announced is honoured.",
                ],
            ),
            (
                "Carrying over, buying and selling",
                [
                    "Up to 5 days can be carried over into the next year and must be taken by 31 March. Up to 10 days can be carried over if you could not take them because of sickness or family leave. In the Woodgrove Choices window each November you can buy up to 5 extra days, paid for from your salary over the following year, or, if you receive 28 days or more, sell up to 3 days.",
                ],
            ),
            (
                "When you leave",
                [
                    "Leave you have not taken is paid with your final salary. Leave taken beyond your pro rata entitlement is deducted from it.",
                ],
            ),
        ],
    },
    {
        "path": "people/hybrid-working.md",
        "title": "Hybrid and Flexible Working at Head Office",
        "meta": {"owner": "People Services", "department": "people", "effective": "2025-09-01"},
        "sections": [
            (
                "Who this applies to",
                [
                    "This policy applies to colleagues based at the head office at Wellington Place, Leeds, and at the regional offices in Edinburgh and Birmingham. Branch and contact centre colleagues have their own arrangements and are covered only by the section on flexible working requests.",
                ],
            ),
            (
                "Time in the office",
                [
                    "Head office colleagues spend at least 40% of their working time in the office, normally 2 days a week for a full-time colleague, measured over a calendar month. Each team agrees 1 anchor day a week when everyone comes in. New joiners work from the office at least 3 days a week for their first 3 months.",
                    "Book a desk in DeskBook by 16:00 the day before. Desks that nobody has checked in to by 10:00 are released to others.",
                ],
            ),
            (
                "Working hours",
                [
                    "Core hours are 10:00 to 16:00, Monday to Friday, whether you are at home or in the office. Outside core hours you choose when you start and finish, between 07:00 and 19:00, as long as you work your contracted hours.",
                ],
            ),
            (
                "Working from home",
                [
                    "Colleagues on hybrid working receive a one-off home working allowance of £200 for a chair, desk or footrest, claimed in ClaimIt with receipts within 6 months of starting hybrid working. IT provides your laptop, headset and a second screen. Your home workspace must be private enough that nobody can overhear customer information or see it on your screen.",
                ],
            ),
            (
                "Working abroad",
                [
                    "You can work from another country for up to 10 working days in any 12 months, with the approval of your line manager and People Services through the Work Abroad form in PeopleSpace, submitted at least 4 weeks ahead. Working from a country under UK sanctions is never allowed.",
                ],
            ),
            (
                "Flexible working requests",
                [
                    "Every colleague, in any role, can make a flexible working request from their first day, up to 2 requests in any 12 months, through PeopleSpace. Your manager meets you within 4 weeks, and you receive a decision within 2 months of your request. Compressed hours, such as a full-time week in 4 days, and job shares are considered for all roles; in branches and contact centres they depend on the rota.",
                ],
            ),
        ],
    },
    {
        "path": "people/parental-leave.docx",
        "title": "Maternity, Paternity, Adoption and Shared Parental Leave",
        "meta": {"owner": "Reward", "department": "people"},
        "sections": [
            (
                "Who receives enhanced pay",
                [
                    "The Woodgrove pay below applies to colleagues with at least 26 weeks' continuous service by the 15th week before the baby is due, or by the week an adopter is matched with a child. Colleagues with less service receive the statutory pay they are entitled to.",
                ],
            ),
            (
                "Leave and pay",
                [
                    {
                        "table": [
                            ["Leave", "How long", "Woodgrove pay"],
                            [
                                "Maternity leave",
                                "Up to 52 weeks",
                                "26 weeks at full pay, then 13 weeks at statutory pay, then 13 weeks unpaid",
                            ],
                            [
                                "Adoption leave (primary adopter)",
                                "Up to 52 weeks",
                                "The same as maternity leave",
                            ],
                            [
                                "Paternity and partner leave",
                                "6 weeks, taken within 52 weeks of the birth or placement",
                                "Full pay",
                            ],
                            [
                                "Shared parental leave",
                                "Up to 50 weeks, shared between the parents",
                                "Full pay for up to 26 weeks, less any weeks already paid in full as maternity or adoption leave",
                            ],
                            [
                                "Neonatal care leave",
                                "Up to 12 weeks, on top of other family leave",
                                "Full pay",
                            ],
                            [
                                "Unpaid parental leave",
                                "Up to 18 weeks per child before the child turns 18, at most 4 weeks a year",
                                "Unpaid",
                            ],
                        ]
                    },
                ],
            ),
            (
                "Telling us",
                [
                    "Tell your manager and People Services with the Family Leave form in PeopleSpace by the 15th week before the baby is due, or within 7 days of being matched with a child for adoption. Antenatal appointments are paid time off; partners can take paid time off for 2 of them.",
                ],
            ),
            (
                "Keeping in touch",
                [
                    "During maternity or adoption leave you can work up to 10 keeping-in-touch (KIT) days, and during shared parental leave up to 20 SPLIT days, paid at full pay for the hours you work. Annual leave keeps building up during all family leave.",
                ],
            ),
            (
                "Coming back",
                [
                    "After 26 weeks or more of maternity, adoption or shared parental leave you can have a phased return: for your first 4 weeks back you work 80% of your hours on full pay. If you leave Woodgrove within 6 months of returning, the Woodgrove pay you received above statutory pay is repaid.",
                ],
            ),
        ],
    },
    {
        "path": "people/overtime-and-allowances.pdf",
        "title": "Overtime, Shift Allowances and Call-Out Pay",
        "meta": {"owner": "Reward", "department": "people", "effective": "2026-04-01"},
        "sections": [
            (
                "Who is paid overtime",
                [
                    {
                        "table": [
                            ["Pay band", "Typical roles", "Overtime"],
                            [
                                "Band 1 and Band 2",
                                "Cashiers, customer service advisers, contact centre agents",
                                "Paid at the rates below",
                            ],
                            [
                                "Band 3",
                                "Team leaders, senior cashiers, mortgage advisers",
                                "Plain time, or time off in lieu",
                            ],
                            [
                                "Band 4 and above",
                                "Branch managers, head office managers and specialists",
                                "Not paid; time off in lieu by agreement",
                            ],
                        ]
                    },
                ],
            ),
            (
                "Overtime rates for Band 1 and Band 2",
                [
                    {
                        "table": [
                            ["When worked", "Rate"],
                            ["Monday to Friday", "1.5 times the basic hourly rate"],
                            ["Saturday", "1.5 times the basic hourly rate"],
                            ["Sunday", "2 times the basic hourly rate"],
                            ["Bank holiday", "2 times the basic hourly rate and a day off in lieu"],
                        ]
                    },
                    "Part-time colleagues are paid their basic hourly rate for extra hours until they reach 37.5 hours in the week; the rates above apply only to hours beyond that.",
                    "Overtime is approved in advance by your team leader in TimeBank. Overtime approved by the 10th of the month is paid with that month's salary, and later overtime the month after. Nobody works more than 10 hours of overtime a week, and there are at least 11 hours of rest between two shifts.",
                ],
            ),
            (
                "Shift allowances",
                [
                    {
                        "table": [
                            ["Hours worked", "Allowance per hour"],
                            ["Between 20:00 and 22:00", "GBP 1.80"],
                            ["Night shift, 22:00 to 07:00", "GBP 3.60"],
                            ["Saturday, contracted hours", "GBP 1.20"],
                            ["Sunday, contracted hours", "GBP 2.50"],
                        ]
                    },
                    "Shift allowances are paid on contracted hours. On overtime hours only the night shift allowance is added to the overtime rate. Band 4 and above do not receive shift allowances.",
                ],
            ),
            (
                "Standby and call-out",
                [
                    "IT and security colleagues on the standby rota receive GBP 25 for each weekday night and GBP 60 for each weekend day or bank holiday on standby. A call-out is paid at 2 times the basic hourly rate, for at least 2 hours, travel time included. Branch keyholders are paid under the Branch Opening, Closing and Lone Working policy instead.",
                ],
            ),
        ],
    },
    {
        "path": "people/learning-and-certifications.html",
        "title": "Learning Budget and Mandatory Training",
        "meta": {"owner": "Woodgrove Academy", "department": "people"},
        "sections": [
            (
                "Mandatory training",
                [
                    "Mandatory courses are taken in LearnHub. New joiners complete every course that applies to them within 30 days of starting.",
                    {
                        "table": [
                            ["Course", "Who takes it", "How often", "Due by"],
                            [
                                "Anti-Money Laundering and Sanctions",
                                "All colleagues",
                                "Every year",
                                "31 March",
                            ],
                            [
                                "Data Protection and Information Security",
                                "All colleagues",
                                "Every year",
                                "31 May",
                            ],
                            [
                                "Consumer Duty and Conduct Rules",
                                "All colleagues",
                                "Every year",
                                "31 July",
                            ],
                            [
                                "Fraud and Scams Awareness",
                                "Branch and contact centre colleagues",
                                "Every year",
                                "30 September",
                            ],
                            [
                                "Treating Vulnerable Customers Fairly",
                                "Branch and contact centre colleagues",
                                "Every 2 years",
                                "30 November",
                            ],
                            [
                                "Fire Safety and First Response",
                                "Branch colleagues",
                                "Every 3 years",
                                "The anniversary of your last completion",
                            ],
                        ]
                    },
                    "If a mandatory course is more than 14 days overdue, your access to customer systems is suspended until you complete it. Mandatory training still overdue on 31 December makes you ineligible for that year's performance bonus.",
                ],
            ),
            (
                "Qualifications for regulated roles",
                [
                    "Mortgage advisers must hold CeMAP or an equivalent qualification before they give advice without supervision, and within 12 months of starting in the role. Financial planning managers hold the DipFA and renew their Statement of Professional Standing every year by 31 October. Woodgrove pays for these qualifications, and for the first resit of any exam; further resits are at your own cost.",
                ],
            ),
            (
                "Learning budget",
                [
                    "Every colleague has a learning budget of £600 a year, or £1,200 for Band 4 and above, for courses, books and conferences related to their role, booked through LearnHub with their manager's approval. Unused budget does not carry over to the next year.",
                    "For a professional qualification that Woodgrove pays for, you receive 1 day of study leave for each exam, plus the day of the exam.",
                ],
            ),
            (
                "Paying back",
                [
                    {
                        "table": [
                            ["You leave Woodgrove", "You repay"],
                            [
                                "Within 12 months of completing a paid qualification",
                                "100% of the cost",
                            ],
                            ["Between 12 and 24 months after completing it", "50% of the cost"],
                            ["More than 24 months after completing it", "Nothing"],
                        ]
                    },
                    "Mandatory training and the learning budget are never repaid.",
                ],
            ),
        ],
    },
    # --------------------------------------------------------------- finance
    {
        "path": "finance/travel-and-expenses.pdf",
        "title": "Travel and Expenses",
        "meta": {"owner": "Finance", "department": "finance", "effective": "2026-01-01"},
        "sections": [
            (
                "Booking travel",
                [
                    "Book all business travel through TripLine. Travel by standard-class rail within Great Britain; first class is allowed for journeys of more than 3 hours each way with your director's approval. Fly only when the train would take more than 4 hours. Flights are in economy; premium economy is allowed for flights of more than 6 hours with the approval of a member of the Executive Committee.",
                ],
            ),
            (
                "Daily allowance and hotel limits",
                [
                    "The daily allowance covers meals and small expenses, without receipts, for each day of a trip with a night away. A day trip of more than 10 hours receives GBP 15. Where a city has its own row, use it; otherwise use its country's row, or Rest of world.",
                    {
                        "table": [
                            ["Country or city", "Daily allowance", "Hotel limit per night"],
                            ["United Kingdom", "GBP 35", "GBP 120"],
                            ["London", "GBP 50", "GBP 210"],
                            ["Edinburgh", "GBP 40", "GBP 150"],
                            ["Ireland", "GBP 45", "GBP 140"],
                            ["Dublin", "GBP 55", "GBP 190"],
                            ["Poland", "GBP 35", "GBP 100"],
                            ["India", "GBP 30", "GBP 90"],
                            ["United States", "GBP 60", "GBP 200"],
                            ["New York", "GBP 80", "GBP 320"],
                            ["Rest of world", "GBP 50", "GBP 160"],
                        ]
                    },
                ],
            ),
            (
                "Mileage",
                [
                    "Business journeys in your own car are paid at GBP 0.45 per mile for the first 10,000 business miles in the tax year and GBP 0.25 per mile after that, plus GBP 0.05 per mile for each colleague you take with you. Journeys by bicycle are paid at GBP 0.20 per mile. Your normal commute is never paid; when you travel from home to another site, claim only the miles beyond your normal commute.",
                ],
            ),
            (
                "What is not paid",
                [
                    "Alcohol is not paid, except when you are entertaining customers with your director's approval. Nor are minibar items, in-room films, upgrades, fines and parking penalties. If you lose a receipt, a signed missing receipt declaration is accepted at most twice a year.",
                ],
            ),
            (
                "Claiming",
                [
                    "Claim in ClaimIt within 60 days of the expense, with a receipt for every item over GBP 10. Your line manager approves the claim within 5 working days, and approved claims are paid in the weekly expenses run every Thursday. Claims made more than 60 days after the expense are rejected unless your director approves them.",
                ],
            ),
            (
                "Corporate cards",
                [
                    "Colleagues who travel at least once a month can apply for a corporate card with a monthly limit of GBP 2,500. The card is never used for personal spending, and cash can be taken out on it only when abroad, up to GBP 200 a trip.",
                ],
            ),
        ],
    },
    # ------------------------------------------------------------ compliance
    {
        "path": "compliance/share-dealing-and-gifts.docx",
        "title": "Personal Share Dealing, Conflicts of Interest and Gifts",
        "meta": {"owner": "Group Compliance", "department": "compliance"},
        "sections": [
            (
                "Personal share dealing",
                [
                    "Before you buy or sell shares in Woodgrove Group plc, ask for pre-clearance in ComplyPoint. Colleagues on an insider list and colleagues in Treasury, Markets or Corporate Banking need pre-clearance for any listed shares, bonds or derivatives, not only Woodgrove's. Clearance is valid for 2 business days; if the trade is not done by then, ask again.",
                    "Keep anything you buy for at least 30 days, and never spread bet on Woodgrove shares. Investment funds, portfolios managed by someone else without any say from you, and the Sharesave scheme do not need pre-clearance.",
                ],
            ),
            (
                "Closed periods",
                [
                    "Nobody deals in Woodgrove shares during a closed period: the 60 days before the annual results, the 30 days before the half-year results, and any other period Group Compliance announces. The results dates are published on the Compliance page of the intranet.",
                ],
            ),
            (
                "Conflicts of interest",
                [
                    "Declare in ComplyPoint within 10 working days: a second job, a directorship or trusteeship, a close personal relationship with a colleague in your reporting line, and any close link with a customer or supplier you deal with. Second jobs with another bank, building society or financial adviser are not allowed.",
                    "Never process a transaction, open an account or take a decision for yourself, a relative or a friend: pass it to a colleague.",
                ],
            ),
            (
                "Gifts and hospitality",
                [
                    {
                        "table": [
                            ["Value of the gift or hospitality", "What to do"],
                            ["Up to £50", "You may accept it; no record is needed"],
                            [
                                "£51 to £250",
                                "Accept only if it is appropriate, and record it in the Gifts and Hospitality Register in ComplyPoint within 5 working days",
                            ],
                            [
                                "Over £250",
                                "Ask your line manager and Group Compliance before accepting, and record it in the register",
                            ],
                            [
                                "Cash, vouchers or gift cards, or anything offered during a tender",
                                "Never accept, whatever the amount",
                            ],
                        ]
                    },
                    "The same limits apply to gifts and hospitality you give. Branch colleagues never accept gifts from customers known to be vulnerable, and never agree to be named in a customer's will, or as their executor or attorney. A gift accepted over the limit without approval is handed to Group Compliance and goes to the Woodgrove charity raffle.",
                ],
            ),
        ],
    },
    # -------------------------------------------------------------------- it
    {
        "path": "it/information-security.md",
        "title": "Information Security: Data Classification, Clean Desk and Lost Devices",
        "meta": {"owner": "Information Security", "department": "it", "effective": "2026-01-12"},
        "sections": [
            (
                "Data classification",
                [
                    "Label every document and email you create with its classification, using the sensitivity button in Office. Anything unlabelled is treated as Confidential.",
                    {
                        "table": [
                            ["Classification", "Examples", "Handling"],
                            [
                                "Public",
                                "Published interest rates, branch opening hours, press releases",
                                "No restrictions",
                            ],
                            [
                                "Internal",
                                "Policies, internal announcements, organisation charts",
                                "Share only with colleagues and approved contractors",
                            ],
                            [
                                "Confidential",
                                "Customer account details, colleague HR records, complaint files",
                                "Share only with those who need it; email outside Woodgrove only through SecureMail",
                            ],
                            [
                                "Restricted",
                                "Suspicious activity reports, unpublished financial results, vault combinations, passwords",
                                "Named people only; never emailed outside Woodgrove and never printed at home",
                            ],
                        ]
                    },
                ],
            ),
            (
                "Clean desk and clear screen",
                [
                    "At the end of each day, and whenever you leave your desk for more than 30 minutes, lock away every paper document classified Confidential or Restricted in your pedestal or locker. Lock your screen every time you step away; screens lock by themselves after 5 minutes. Put paper you no longer need in the blue confidential waste consoles, never in an ordinary bin.",
                    "Desks are checked every month. Two failed clean desk checks within 6 months are reported to your manager's manager.",
                ],
            ),
            (
                "Lost or stolen devices",
                [
                    "Report a lost or stolen laptop, phone, security token or building pass to the IT Service Desk on 0113 496 0700 straight away, and in any case within 2 hours. The Service Desk is open 24 hours a day and locks and wipes the device remotely. If the device was stolen, also report it to the police and add the crime reference number to your ticket within 48 hours.",
                    "If the device may hold customer data, Information Security decides within 24 hours whether the loss has to be reported outside Woodgrove. A replacement laptop is issued within 2 working days.",
                ],
            ),
            (
                "USB storage and personal email",
                [
                    "USB storage devices are blocked on all Woodgrove computers. Never forward work email to a personal email account: it is treated as a data breach.",
                ],
            ),
            (
                "Phishing",
                [
                    "Report suspicious emails with the Report Phish button in Outlook. Colleagues who fail 3 simulated phishing tests within 12 months repeat the Data Protection and Information Security course within 14 days.",
                ],
            ),
        ],
    },
]
