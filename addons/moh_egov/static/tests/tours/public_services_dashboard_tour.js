import { registry } from "@web/core/registry";

/**
 * A department head or a ministry leader opens the Public Services dashboard: the dossiers'
 * figures and the Decision 766 scorecard (five groups, with "not measured here" and
 * "unverified" marked) are drawn; the on-time indicator (2.1) opens the dossier items it
 * counts, and the way back returns to the dashboard. Run at desktop size and at a phone's
 * (390 px) by moh_egov/tests/test_public_services_dashboard.py, which keeps a screenshot of each.
 */
registry.category("web_tour.tours").add("moh_public_services_dashboard", {
    url: "/odoo/public-services-dashboard",
    steps: () => [
        {
            content: "The dossiers' figures are drawn",
            trigger: ".o_moh_dashboard .o_moh_dashboard_figure[data-figure=received]",
        },
        {
            content: "The scorecard has its five groups",
            trigger: ".o_moh_scorecard .o_moh_scorecard_group[data-code='5']",
        },
        {
            content: "Indicators the product does not measure are marked",
            trigger: ".o_moh_scorecard .o_moh_scorecard_indicator[data-code='1.1'] .o_moh_badge_not_measured",
        },
        {
            content: "Open the items behind the on-time indicator",
            trigger: ".o_moh_scorecard .o_moh_scorecard_indicator[data-code='2.1'] .o_moh_scorecard_drill",
            run: "click",
        },
        {
            content: "The items are listed",
            trigger: ".o_list_view, .o_kanban_view, .o_view_nocontent",
        },
        {
            content: "Back to the dashboard",
            trigger: ".o_back_button",
            run: "click",
        },
        {
            content: "The scorecard is drawn again",
            trigger: ".o_moh_scorecard .o_moh_scorecard_indicator[data-code='5.3']",
        },
        {
            content: "Its layout has settled",
            trigger: ".o_moh_dashboard .o_moh_dashboard_bottlenecks",
        },
        {
            content: "The charts have finished drawing (Chart.js grows them for a second)",
            trigger: ".o_moh_dashboard:has(canvas):not(:has(canvas:not([data-moh-drawn])))",
        },
    ],
});
