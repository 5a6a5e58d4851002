{
    "name": "MOH E-Office: Official Documents",
    "summary": "Incoming and outgoing official documents of the Ministry of Health "
               "(Decree 30/2020/ND-CP): registers, routing, signatures, deadlines",
    "version": "19.0.1.0.0",
    "category": "Productivity/Documents",
    "website": "https://github.com/moh-vn/moh-eoffice",
    "author": "MOH e-Office contributors",
    "license": "LGPL-3",
    "depends": ["mail", "hr", "resource"],
    "external_dependencies": {
        "python": [
            "moh-core",
            "holidays",
            "pyhanko",
            "pyhanko-certvalidator",
            "reportlab",
            "lxml",
        ],
    },
    "data": [
        "security/moh_documents_groups.xml",
        "security/ir.model.access.csv",
        "data/resource_calendar_data.xml",
        "data/hr_department_data.xml",
        "data/res_company_data.xml",
        "data/ir_cron_data.xml",
        "views/hr_department_views.xml",
        "views/resource_calendar_views.xml",
        "views/moh_compensatory_workday_views.xml",
        "views/res_company_views.xml",
        "views/moh_documents_menus.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
    ],
    "installable": True,
    "application": True,
}
