"""The Larkspur Systems employee handbook: the sample corpus of Colonnade.

A fictional company. Each entry is one document: its path under
examples/handbook/ (the extension picks the format), a title, optional
metadata, and sections of paragraphs and tables.
"""

from __future__ import annotations

from typing import Any

Doc = dict[str, Any]

DOCS: list[Doc] = [
    # ---------------------------------------------------------------- HR
    {
        "path": "hr/annual-leave-policy.md",
        "title": "Annual Leave Policy",
        "meta": {"owner": "People Team", "department": "hr", "effective": "2026-01-01"},
        "sections": [
            (
                "Entitlement",
                [
                    "Every full-time employee at Larkspur Systems receives 25 days of paid annual leave per calendar year, in addition to public holidays. Part-time employees receive a pro-rata share based on contracted hours.",
                    "After two full years of service the entitlement grows by one day per additional two years of service, up to a maximum of 30 days.",
                    {
                        "table": [
                            ["Years of service", "Annual leave days"],
                            ["0-2", "25"],
                            ["2-4", "26"],
                            ["4-6", "27"],
                            ["6-8", "28"],
                            ["8-10", "29"],
                            ["10 or more", "30"],
                        ]
                    },
                ],
            ),
            (
                "New employees",
                [
                    "New employees accrue leave at 2.08 days per full month worked in their first calendar year. Leave may be taken from the first day, but no more than 5 days may be taken during the 90-day probation period.",
                ],
            ),
            (
                "Carry-over",
                [
                    "Up to 5 unused days may be carried over into the next year. Carried-over days must be used by 31 March; after that date they expire. Days beyond the limit are forfeited unless the People Team approved an exception because of business needs.",
                ],
            ),
            (
                "Requesting leave",
                [
                    "Request leave in the HR portal (Workday) at least two weeks in advance for periods longer than three days. Your manager approves or declines within five business days. Public holidays per country are listed in the Fiscal Calendar.",
                ],
            ),
        ],
    },
    {
        "path": "hr/parental-leave.docx",
        "title": "Parental Leave Policy",
        "meta": {"owner": "People Team", "department": "hr"},
        "sections": [
            (
                "Who is eligible",
                [
                    "Employees with at least 6 months of continuous service on the expected date of birth or adoption are eligible for enhanced parental leave. Employees with shorter service receive the statutory minimum of their country.",
                ],
            ),
            (
                "Leave and pay",
                [
                    {
                        "table": [
                            ["Role", "Leave", "Pay"],
                            ["Primary carer", "20 weeks", "100% of base salary"],
                            ["Secondary carer", "6 weeks", "100% of base salary"],
                            ["Extended unpaid leave", "up to 12 weeks", "unpaid"],
                        ]
                    },
                    "Leave can start up to 4 weeks before the expected date of birth and must be taken within 12 months of the birth or placement.",
                ],
            ),
            (
                "Returning to work",
                [
                    "On return, employees may work 80% of their hours for 100% of pay for the first 4 weeks (phased return). Notify the People Team at least 8 weeks before leave starts using form HR-21.",
                ],
            ),
        ],
    },
    {
        "path": "hr/remote-work-policy.md",
        "title": "Remote Work Policy",
        "meta": {"owner": "People Team", "department": "hr"},
        "sections": [
            (
                "Hybrid schedule",
                [
                    "Employees may work remotely up to 3 days per week. Tuesdays and Thursdays are team days when everyone is expected in the office, unless their role is fully remote by contract.",
                ],
            ),
            (
                "Allowances",
                [
                    "Larkspur pays a one-time home office stipend of €500 for furniture and equipment, and an internet allowance of €30 per month paid with the salary.",
                ],
            ),
            (
                "Working from abroad",
                [
                    "Working from another country is allowed for at most 20 working days per calendar year and needs approval in advance through form HR-14, because of tax and insurance rules. Sanctioned countries are excluded. See also the Travel Policy for trips that mix business and remote work.",
                ],
            ),
            (
                "Security at home",
                [
                    "Use the company VPN on any network that is not your home network, lock your screen when you step away, and never let family members use company devices (see the Acceptable Use Policy).",
                ],
            ),
        ],
    },
    {
        "path": "hr/performance-reviews.html",
        "title": "Performance Reviews and Promotions",
        "meta": {"owner": "People Team", "department": "hr"},
        "sections": [
            (
                "Review cycles",
                [
                    "Performance reviews take place twice a year: the mid-year review in April and the annual review in October. Self-assessments are due by the 10th of the review month, manager assessments by the 20th.",
                ],
            ),
            (
                "Ratings",
                [
                    {
                        "table": [
                            ["Rating", "Meaning"],
                            ["1", "Does not meet expectations"],
                            ["2", "Partially meets expectations"],
                            ["3", "Meets expectations"],
                            ["4", "Exceeds expectations"],
                            ["5", "Exceptional"],
                        ]
                    },
                    "Ratings are calibrated across each department in a calibration meeting in the last week of the review month.",
                ],
            ),
            (
                "Promotions",
                [
                    "Promotions are decided in the October cycle and take effect on 1 January. A promotion requires a rating of 4 or 5 in the last two reviews and a written case from the manager. The salary increase on promotion is between 8% and 15%.",
                ],
            ),
        ],
    },
    {
        "path": "hr/sick-leave.md",
        "title": "Sick Leave",
        "meta": {"owner": "People Team", "department": "hr"},
        "sections": [
            (
                "Reporting sickness",
                [
                    "If you are ill, notify your manager by 10:00 on the first day of absence, by phone or chat, and record the absence in Workday.",
                ],
            ),
            (
                "Medical certificates",
                [
                    "You may self-certify absences of up to 3 consecutive calendar days. From the 4th day of absence a doctor's note is required and must be uploaded to Workday.",
                ],
            ),
            (
                "Sick pay",
                [
                    "Larkspur pays full salary for up to 30 days of sickness per rolling 12 months, and 75% of salary for a further 60 days. Statutory sick pay applies after that.",
                ],
            ),
        ],
    },
    {
        "path": "hr/code-of-conduct.pdf",
        "title": "Code of Conduct",
        "meta": {"owner": "Legal", "department": "legal"},
        "sections": [
            (
                "Our principles",
                [
                    "We act with integrity, treat colleagues and customers with respect, and comply with the law in every country where we operate. Every employee confirms this Code of Conduct once a year in the compliance training.",
                ],
            ),
            (
                "Gifts and hospitality",
                [
                    "Employees may accept gifts or hospitality with a value of up to €75 per person per year from any one business partner. Anything above €75 must be declared in the gift register within 5 business days and approved by Legal. Cash or cash equivalents are never accepted.",
                ],
            ),
            (
                "Conflicts of interest",
                [
                    "Declare any outside employment, board membership or financial interest in a supplier or competitor to your manager and Legal before it starts. Family members may not approve each other's purchases or expenses.",
                ],
            ),
            (
                "Speaking up",
                [
                    "Report concerns to your manager, to Legal, or anonymously to the ethics hotline at extension 4411 or ethics.larkspur.example. Retaliation against anyone who reports in good faith is a disciplinary offence.",
                ],
            ),
        ],
    },
    {
        "path": "hr/onboarding-checklist.html",
        "title": "Onboarding Checklist for New Employees",
        "meta": {"owner": "People Team", "department": "hr"},
        "sections": [
            (
                "Before day one",
                [
                    "The hiring manager orders the laptop at least 10 business days before the start date through the IT portal (see the Laptop and Device Policy) and assigns an onboarding buddy.",
                ],
            ),
            (
                "First week",
                [
                    {
                        "table": [
                            ["Day", "Task", "Owner"],
                            [
                                "Day 1",
                                "Collect laptop and badge at reception, set up MFA",
                                "New employee, IT",
                            ],
                            ["Day 1", "Welcome session at 10:00", "People Team"],
                            ["Day 2", "Meet your onboarding buddy", "Buddy"],
                            ["Day 3", "Review the Code of Conduct", "New employee"],
                            ["Day 5", "First 1:1 with manager", "Manager"],
                        ]
                    },
                ],
            ),
            (
                "First 30 days",
                [
                    "Complete the mandatory trainings within 30 days of the start date: security awareness, data protection (GDPR) and the Code of Conduct. Access to production systems is granted only after the security awareness training is complete.",
                ],
            ),
        ],
    },
    # ---------------------------------------------------------------- IT
    {
        "path": "it/password-and-mfa.md",
        "title": "Password and Multi-Factor Authentication Standard",
        "meta": {"owner": "IT Security", "department": "it"},
        "sections": [
            (
                "Passwords",
                [
                    "Passwords must be at least 14 characters long. Passphrases of four or more random words are encouraged. Passwords are not rotated on a schedule; change a password immediately if you suspect it was exposed.",
                    "Store every work password in the company password manager, Bitwarden. Never reuse a work password on another site.",
                ],
            ),
            (
                "Multi-factor authentication",
                [
                    "MFA is mandatory for every account that supports it. Use the Microsoft Authenticator app with number matching or a FIDO2 security key. SMS codes are not permitted. Administrators must use a FIDO2 security key.",
                ],
            ),
            (
                "Lost factors",
                [
                    "If you lose your phone or key, call the IT Service Desk at extension 4000. Identity is verified by video call before a new factor is registered.",
                ],
            ),
        ],
    },
    {
        "path": "it/laptop-policy.docx",
        "title": "Laptop and Device Policy",
        "meta": {"owner": "IT", "department": "it"},
        "sections": [
            (
                "Standard devices",
                [
                    {
                        "table": [
                            ["Role", "Standard laptop", "Refresh cycle"],
                            ["Engineering", "MacBook Pro 14-inch, 32 GB", "3 years"],
                            ["Sales and support", "ThinkPad T14, 16 GB", "4 years"],
                            ["All other roles", "MacBook Air 13-inch, 16 GB", "4 years"],
                        ]
                    },
                    "Non-standard hardware needs a business case approved by your department head and IT.",
                ],
            ),
            (
                "Lost or stolen devices",
                [
                    "Report a lost or stolen device to the IT Service Desk (extension 4000) within 1 hour of noticing the loss, and to the police within 24 hours if it was stolen. IT wipes the device remotely.",
                ],
            ),
            (
                "Returning devices",
                [
                    "Leavers return all devices on their last working day. Devices not returned within 14 days are invoiced at their current book value.",
                ],
            ),
        ],
    },
    {
        "path": "it/vpn-access.html",
        "title": "VPN Access Guide",
        "meta": {"owner": "IT", "department": "it"},
        "sections": [
            (
                "Getting access",
                [
                    "The company VPN uses WireGuard. Install the client from the Self Service portal; your profile is provisioned automatically when your account is in the group vpn-users, which all employees join on their first day.",
                ],
            ),
            (
                "When to use it",
                [
                    "Connect to the VPN on every network except your home network, and always before you open internal systems such as the HR portal or the finance system. Split tunnelling is enabled: video calls do not go through the VPN.",
                ],
            ),
            (
                "Support",
                [
                    "VPN support is available from the IT Service Desk between 07:00 and 20:00 CET on business days. Outside those hours, the on-call engineer handles only P1 incidents.",
                ],
            ),
        ],
    },
    {
        "path": "it/software-requests.md",
        "title": "Software Requests",
        "meta": {"owner": "IT", "department": "it"},
        "sections": [
            (
                "How to request software",
                [
                    "Request any software that is not in the Self Service catalogue through the IT portal. IT reviews security, licensing and data protection, and answers within 3 business days. Software that processes confidential data also needs a review by IT Security (allow 10 business days).",
                ],
            ),
            (
                "Prohibited software",
                [
                    "Peer-to-peer file sharing, remote-control tools not provided by IT, cryptocurrency miners and unlicensed software are prohibited on company devices.",
                ],
            ),
            (
                "Generative AI tools",
                [
                    "Only Colonnade and the approved Microsoft 365 Copilot may be used with internal data. Never paste confidential or restricted data (see Data Classification Policy) into public AI tools.",
                ],
            ),
        ],
    },
    {
        "path": "it/service-desk-sla.pdf",
        "title": "IT Service Desk Service Levels",
        "meta": {"owner": "IT", "department": "it"},
        "sections": [
            (
                "Contact",
                [
                    "Reach the IT Service Desk at extension 4000, through the IT portal, or by email to servicedesk@larkspur.example. The desk is staffed from 07:00 to 20:00 CET on business days.",
                ],
            ),
            (
                "Priorities and targets",
                [
                    {
                        "table": [
                            ["Priority", "Example", "First response", "Resolution target"],
                            ["P1", "Company-wide outage", "15 minutes", "4 hours"],
                            ["P2", "A team cannot work", "1 hour", "1 business day"],
                            ["P3", "One person is impaired", "4 hours", "3 business days"],
                            ["P4", "Request or question", "1 business day", "10 business days"],
                        ]
                    },
                    "Resolution targets are met for at least 95% of tickets each month; results are published in the monthly IT report.",
                ],
            ),
            (
                "Escalation",
                [
                    "If a ticket misses its target, escalate to the Service Desk lead, then to the Head of IT Operations. P1 incidents page the on-call engineer directly (see the On-Call Handbook).",
                ],
            ),
        ],
    },
    # ---------------------------------------------------------------- security
    {
        "path": "security/data-classification.md",
        "title": "Data Classification Policy",
        "meta": {"owner": "IT Security", "department": "security", "classification": "internal"},
        "sections": [
            (
                "Levels",
                [
                    {
                        "table": [
                            ["Level", "Examples", "May be shared with"],
                            ["Public", "Press releases, published documentation", "Anyone"],
                            [
                                "Internal",
                                "Handbook, org charts, project plans",
                                "All employees and contractors",
                            ],
                            [
                                "Confidential",
                                "Customer data, contracts, salaries",
                                "People with a business need",
                            ],
                            [
                                "Restricted",
                                "Credentials, health data, M&A plans",
                                "Named individuals only",
                            ],
                        ]
                    },
                ],
            ),
            (
                "Handling",
                [
                    "Confidential and restricted data must be encrypted in transit and at rest, and may only be processed by systems approved for that level. Restricted data may never leave company-managed systems. Printing restricted data requires approval from the data owner.",
                ],
            ),
            (
                "Labelling",
                [
                    "Label every document with its level in the header or file metadata. Unlabelled documents are treated as internal. AI tools route confidential requests to self-hosted models only.",
                ],
            ),
        ],
    },
    {
        "path": "security/incident-response.pdf",
        "title": "Security Incident Response Procedure",
        "meta": {"owner": "IT Security", "department": "security"},
        "sections": [
            (
                "Report first",
                [
                    "Report any suspected security incident within 15 minutes of noticing it: call the security hotline at extension 4999 or write to security@larkspur.example. Do not try to investigate on your own and do not delete evidence.",
                ],
            ),
            (
                "Severity levels",
                [
                    {
                        "table": [
                            ["Severity", "Definition", "Response"],
                            [
                                "SEV1",
                                "Active breach or data loss",
                                "Incident commander within 15 minutes, 24/7",
                            ],
                            ["SEV2", "Contained compromise of one system", "Within 1 hour, 24/7"],
                            ["SEV3", "Policy violation, no data exposed", "Next business day"],
                            ["SEV4", "Suspicious activity, no impact", "Within 5 business days"],
                        ]
                    },
                ],
            ),
            (
                "Notification",
                [
                    "When personal data is affected, the Data Protection Officer decides on notification. Supervisory authorities must be notified within 72 hours of becoming aware of a personal data breach (GDPR Article 33).",
                ],
            ),
            (
                "After the incident",
                [
                    "Every SEV1 and SEV2 incident gets a blameless postmortem within 5 business days (see the Postmortem Template).",
                ],
            ),
        ],
    },
    {
        "path": "security/acceptable-use.html",
        "title": "Acceptable Use Policy",
        "meta": {"owner": "IT Security", "department": "security"},
        "sections": [
            (
                "Company devices",
                [
                    "Company devices are for work. Limited personal use is allowed if it does not interfere with work, is legal, and does not put company data at risk. Family members and friends may not use company devices.",
                ],
            ),
            (
                "Email and messaging",
                [
                    "Do not forward company email to personal accounts. Do not open attachments from unknown senders; report phishing with the Report Phishing button in Outlook.",
                ],
            ),
            (
                "Monitoring",
                [
                    "Larkspur logs access to company systems for security purposes. Logs are kept for 12 months and are only reviewed in an investigation approved by Legal.",
                ],
            ),
        ],
    },
    {
        "path": "security/access-reviews.docx",
        "title": "Access Review Procedure",
        "meta": {
            "owner": "IT Security",
            "department": "security",
            "acl": {"groups": ["security-team", "it-admins"]},
        },
        "sections": [
            (
                "Frequency",
                [
                    {
                        "table": [
                            ["Account type", "Review frequency", "Reviewer"],
                            ["Standard user access", "Quarterly", "Manager"],
                            ["Privileged and admin accounts", "Monthly", "IT Security"],
                            ["Service accounts", "Quarterly", "System owner"],
                            ["Leavers", "On the last working day", "IT"],
                        ]
                    },
                ],
            ),
            (
                "Process",
                [
                    "IT Security exports access lists on the first business day of the review period. Reviewers confirm or revoke each entitlement within 10 business days. Unconfirmed entitlements are revoked automatically on day 11.",
                ],
            ),
        ],
    },
    # ---------------------------------------------------------------- travel & expenses
    {
        "path": "travel/travel-policy.md",
        "title": "Business Travel Policy",
        "meta": {"owner": "Finance", "department": "finance"},
        "sections": [
            (
                "Booking",
                [
                    "Book all business travel through TravelDesk at least 14 days before departure. Bookings made later need your manager's written approval. Trips abroad need approval from your department head.",
                ],
            ),
            (
                "Flights",
                [
                    "Economy class is standard for flights under 6 hours. Business class is allowed for flights of 6 hours or more, with approval from a Vice President. Trains are preferred for journeys under 4 hours.",
                ],
            ),
            (
                "Hotels",
                [
                    "Stay in hotels from the TravelDesk list. Nightly limits per city are set in the Expense Limits table. Private extensions of business trips are allowed if the extra cost is paid privately.",
                ],
            ),
            (
                "Safety",
                [
                    "Register every trip in TravelDesk so that the security team can reach you in an emergency. For destinations with a travel warning, approval from IT Security and the CFO is required.",
                ],
            ),
        ],
    },
    {
        "path": "travel/expense-limits.html",
        "title": "Expense Limits",
        "meta": {"owner": "Finance", "department": "finance", "effective": "2026-04-01"},
        "sections": [
            (
                "Hotel limits per night",
                [
                    {
                        "table": [
                            ["City", "Limit per night"],
                            ["London", "£220"],
                            ["New York", "$300"],
                            ["Paris", "€190"],
                            ["Berlin", "€160"],
                            ["Munich", "€170"],
                            ["Any other city", "€140"],
                        ]
                    },
                    "Limits include taxes and breakfast. Stays above the limit need approval from your manager before booking.",
                ],
            ),
            (
                "Meals",
                [
                    "Meals while travelling are covered by the per diem (see Per Diem Rates). Client dinners are reimbursed up to €90 per person including drinks, with the names of all guests on the claim.",
                ],
            ),
            (
                "Local transport",
                [
                    "Use public transport where practical. Taxis and ride-hailing are reimbursed for trips to and from airports, after 22:00, or when carrying equipment. Mileage for private cars is reimbursed at €0.30 per km.",
                ],
            ),
        ],
    },
    {
        "path": "travel/expense-claims.docx",
        "title": "Expense Claims Procedure",
        "meta": {"owner": "Finance", "department": "finance"},
        "sections": [
            (
                "Submitting a claim",
                [
                    "Submit expense claims in the finance system within 30 days of the expense. Claims older than 90 days are not reimbursed.",
                    "Attach a receipt for every item of €25 or more. Items below €25 without a receipt are accepted up to €100 per month.",
                ],
            ),
            (
                "Approval and payment",
                [
                    "Your manager approves claims within 5 business days. Approved claims are paid with the next payroll run on the 25th of the month; claims approved after the 15th are paid the following month.",
                ],
            ),
            (
                "Not reimbursed",
                [
                    "Fines, personal entertainment, minibar, upgrades without approval, and alcohol outside client dinners are not reimbursed.",
                ],
            ),
        ],
    },
    {
        "path": "travel/per-diem-rates.pdf",
        "title": "Per Diem Rates",
        "meta": {"owner": "Finance", "department": "finance", "effective": "2026-04-01"},
        "sections": [
            (
                "How per diems work",
                [
                    "A per diem covers meals and small expenses on travel days. It is paid per calendar day away from home; the first and last days of a trip are paid at 50%. No receipts are needed.",
                ],
            ),
            (
                "Rates by country",
                [
                    {
                        "table": [
                            ["Country", "Full day", "Partial day"],
                            ["Germany", "EUR 28", "EUR 14"],
                            ["France", "EUR 53", "EUR 26.50"],
                            ["United Kingdom", "EUR 52", "EUR 26"],
                            ["United States", "EUR 59", "EUR 29.50"],
                            ["Netherlands", "EUR 47", "EUR 23.50"],
                            ["Other countries", "EUR 40", "EUR 20"],
                        ]
                    },
                ],
            ),
            (
                "Meals provided",
                [
                    "If a meal is provided (by a hotel, conference or client), reduce the per diem by 20% for breakfast and 40% each for lunch and dinner.",
                ],
            ),
        ],
    },
    # ---------------------------------------------------------------- finance
    {
        "path": "finance/procurement-policy.md",
        "title": "Procurement Policy",
        "meta": {"owner": "Finance", "department": "finance"},
        "sections": [
            (
                "Approval thresholds",
                [
                    {
                        "table": [
                            ["Order value (excl. VAT)", "Requirement"],
                            ["Up to €5,000", "Manager approval, corporate card or invoice"],
                            [
                                "€5,000 to €25,000",
                                "Purchase order (PO) and department head approval",
                            ],
                            ["€25,000 to €100,000", "PO and three written quotes"],
                            ["Over €100,000", "PO, tender, and CFO approval"],
                        ]
                    },
                ],
            ),
            (
                "New suppliers",
                [
                    "New suppliers are onboarded by Procurement, who check sanctions lists and bank details. Suppliers that will process personal data need a data processing agreement reviewed by Legal before any data is shared.",
                ],
            ),
            (
                "Payment terms",
                [
                    "Standard payment terms are 30 days from the invoice date. Invoices must quote a valid PO number when a PO is required, otherwise they are returned to the supplier.",
                ],
            ),
        ],
    },
    {
        "path": "finance/fiscal-calendar.html",
        "title": "Fiscal Calendar FY2027",
        "meta": {"owner": "Finance", "department": "finance"},
        "sections": [
            (
                "Fiscal year",
                [
                    "Larkspur's fiscal year FY2027 runs from 1 February 2026 to 31 January 2027.",
                    {
                        "table": [
                            ["Quarter", "Period", "Books close"],
                            ["Q1", "1 Feb - 30 Apr 2026", "8 May 2026"],
                            ["Q2", "1 May - 31 Jul 2026", "7 Aug 2026"],
                            ["Q3", "1 Aug - 31 Oct 2026", "6 Nov 2026"],
                            ["Q4", "1 Nov 2026 - 31 Jan 2027", "12 Feb 2027"],
                        ]
                    },
                ],
            ),
            (
                "Budget planning",
                [
                    "Department budgets for FY2028 must be submitted by 15 November 2026. The executive team approves budgets by 15 January 2027.",
                ],
            ),
            (
                "Public holidays (Germany office)",
                [
                    "1 January, Good Friday, Easter Monday, 1 May, Ascension Day, Whit Monday, 3 October, 25 and 26 December. The office is also closed on 24 and 31 December.",
                ],
            ),
        ],
    },
    {
        "path": "finance/corporate-card.pdf",
        "title": "Corporate Card Policy",
        "meta": {"owner": "Finance", "department": "finance"},
        "sections": [
            (
                "Eligibility and limits",
                [
                    "Corporate cards are issued to employees who travel at least four times a year or buy for their team. The standard monthly limit is EUR 5,000; department heads may request EUR 15,000.",
                ],
            ),
            (
                "Allowed and prohibited use",
                [
                    "Use the card only for business expenses that follow the Travel Policy and Expense Limits. Cash withdrawals, personal purchases and gift cards are prohibited. Personal charges made by mistake must be repaid within 10 days.",
                ],
            ),
            (
                "Reconciliation",
                [
                    "Reconcile the monthly statement in the finance system by the 5th of the following month, with receipts attached. Cards with two missed reconciliations in a year are suspended.",
                ],
            ),
        ],
    },
    # ---------------------------------------------------------------- engineering
    {
        "path": "engineering/on-call-handbook.md",
        "title": "Engineering On-Call Handbook",
        "meta": {"owner": "Platform Engineering", "department": "engineering"},
        "sections": [
            (
                "Rotation",
                [
                    "Each product team runs a weekly on-call rotation that hands over on Mondays at 10:00 CET. Every rotation has a primary and a secondary engineer. Engineers join the rotation after 3 months with the company.",
                ],
            ),
            (
                "Response times",
                [
                    {
                        "table": [
                            ["Severity", "Acknowledge page within", "Working on it within"],
                            ["SEV1", "5 minutes", "15 minutes"],
                            ["SEV2", "15 minutes", "30 minutes"],
                            ["SEV3", "Next business day", "Next business day"],
                        ]
                    },
                    "If the primary does not acknowledge a page within 5 minutes, PagerDuty escalates to the secondary, then to the engineering manager after 15 minutes.",
                ],
            ),
            (
                "Compensation",
                [
                    "On-call engineers receive €300 per week on call, plus €50 for each incident page handled outside working hours. Time spent on incidents at night can be taken as time off in lieu within 30 days.",
                ],
            ),
            (
                "Handover",
                [
                    "Write a handover note in the #oncall channel at the end of your week: open incidents, noisy alerts and follow-ups. Security incidents follow the Security Incident Response Procedure.",
                ],
            ),
        ],
    },
    {
        "path": "engineering/deployment-policy.docx",
        "title": "Deployment and Change Policy",
        "meta": {"owner": "Platform Engineering", "department": "engineering"},
        "sections": [
            (
                "Deployment windows",
                [
                    "Production deployments run Monday to Thursday between 09:00 and 16:00 CET. Friday deployments need approval from the engineering manager on duty.",
                ],
            ),
            (
                "Change freeze",
                [
                    "A company-wide change freeze applies from 15 December to 5 January. During the freeze only fixes for SEV1 and SEV2 incidents are deployed, with approval from the VP of Engineering.",
                ],
            ),
            (
                "Rollback",
                [
                    "Every deployment must be reversible: if error rates rise above 2% or latency doubles, roll back within 30 minutes and open an incident. Database migrations must be backward compatible for one release.",
                ],
            ),
        ],
    },
    {
        "path": "engineering/postmortem-template.md",
        "title": "Postmortem Template",
        "meta": {"owner": "Platform Engineering", "department": "engineering"},
        "sections": [
            (
                "When to write one",
                [
                    "A blameless postmortem is required within 5 business days after every SEV1 and SEV2 incident, and recommended for SEV3 incidents with customer impact.",
                ],
            ),
            (
                "Sections",
                [
                    "1. Summary: what happened, in two sentences.\n2. Impact: customers affected, duration, data lost.\n3. Timeline: detection, escalation, mitigation, resolution, in UTC.\n4. Root cause and contributing factors.\n5. Action items: each with an owner and a due date.",
                ],
            ),
            (
                "Review",
                [
                    "Postmortems are reviewed in the weekly operations review on Wednesdays at 14:00 CET. Action items are tracked in Jira with the label postmortem and must be closed within 30 days.",
                ],
            ),
        ],
    },
    {
        "path": "engineering/database-failover-runbook.html",
        "title": "Runbook: PostgreSQL Failover",
        "meta": {"owner": "Platform Engineering", "department": "engineering"},
        "sections": [
            (
                "When to fail over",
                [
                    "Fail over when the primary database has been unreachable for more than 2 minutes, or replication lag on the primary exceeds 60 seconds and keeps growing. This is a SEV1 if customer traffic is affected.",
                ],
            ),
            (
                "Steps",
                [
                    "1. Announce the failover in #incidents.\n2. Confirm the standby is healthy: replication lag under 10 seconds.\n3. Run patronictl failover --candidate db-standby-1.\n4. Verify that applications reconnect within 5 minutes.\n5. Open a ticket to rebuild the old primary as the new standby.",
                ],
            ),
            (
                "Recovery objectives",
                [
                    "The recovery point objective (RPO) is 1 minute and the recovery time objective (RTO) is 15 minutes for the customer database.",
                ],
            ),
        ],
    },
]
