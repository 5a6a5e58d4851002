{
    "name": "MOH Online Public Services",
    "summary": "Full-process online public services of the Ministry of Health: portal "
               "applications, one-stop back office (Decree 118/2025/ND-CP), signed e-results",
    "version": "19.0.1.0.0",
    "category": "Services",
    "website": "https://github.com/moh-vn/moh-eoffice",
    "author": "MOH e-Office contributors",
    "license": "AGPL-3",
    "depends": ["moh_documents", "portal"],
    "external_dependencies": {
        "python": ["moh-core"],
    },
    "data": [
        "views/res_partner_views.xml",
        "views/moh_egov_menus.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
    ],
    "installable": True,
    "application": True,
}
