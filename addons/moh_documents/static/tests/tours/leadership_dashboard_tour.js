import { registry } from "@web/core/registry";

/**
 * A ministry leader opens the leadership dashboard: the figures, the three charts, the list of
 * items likely to be late and the bottleneck map are drawn; a figure opens the items behind it,
 * and the way back returns to the dashboard. Run at desktop size and at a phone's (390 px) by
 * moh_documents/tests/test_dashboard.py, which keeps a screenshot of each.
 */
/**
 * Chart.js grows its charts for a second after drawing them: the screenshot waits until every
 * canvas says it has finished (data-moh-drawn, set by the dashboard at the end of the animation).
 */
const CHARTS_DRAWN = {
    content: "The charts have finished drawing",
    trigger: ".o_moh_dashboard:has(canvas):not(:has(canvas:not([data-moh-drawn])))",
};

registry.category("web_tour.tours").add("moh_leadership_dashboard", {
    url: "/odoo/leadership-dashboard",
    steps: () => [
        {
            content: "The figures are drawn",
            trigger: ".o_moh_dashboard .o_moh_dashboard_figure[data-figure=received]",
        },
        {
            content: "The trend chart is drawn",
            trigger: ".o_moh_dashboard_trend canvas",
        },
        {
            content: "The on-time chart is drawn",
            trigger: ".o_moh_dashboard_on_time canvas",
        },
        {
            content: "The ageing chart is drawn",
            trigger: ".o_moh_dashboard_ageing canvas",
        },
        {
            content: "The late list is there (items or the message that there are none)",
            trigger: ".o_moh_dashboard_late .o_moh_dashboard_late_item, .o_moh_dashboard_late .o_moh_dashboard_late_none",
        },
        {
            content: "The bottleneck map is there",
            trigger: ".o_moh_dashboard_bottlenecks",
        },
        {
            content: "A department's late hand-overs to specialists open the items late at that step",
            trigger: ".o_moh_heat_cell[data-stage=specialist_assignment]:not([data-overdue='0'])",
            run: "click",
        },
        {
            content: "Those items are listed",
            trigger: ".o_list_view .o_data_row",
        },
        {
            content: "Back to the dashboard",
            trigger: ".o_back_button",
            run: "click",
        },
        {
            content: "Open the items received in the period",
            trigger: ".o_moh_dashboard_figure[data-figure=received]",
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
            content: "The dashboard is drawn again",
            trigger: ".o_moh_dashboard .o_moh_dashboard_trend canvas",
        },
        {
            content: "Its layout has settled",
            trigger: ".o_moh_dashboard .o_moh_dashboard_figure[data-figure=open_overdue]",
        },
        CHARTS_DRAWN,
    ],
});

/**
 * The minister opens the dashboard of the demo database as installed and shows this year: the
 * demo's year of history draws curves, rates per department and a bottleneck map. Run by
 * moh_documents/tests/test_dashboard.py (TestDashboardOnTheDemo), which keeps its screenshot.
 */
registry.category("web_tour.tours").add("moh_leadership_dashboard_year", {
    url: "/odoo/leadership-dashboard",
    steps: () => [
        {
            content: "The dashboard is drawn",
            trigger: ".o_moh_dashboard .o_moh_dashboard_trend canvas",
        },
        {
            content: "Show this year",
            trigger: ".o_moh_dashboard button[data-period=year]",
            run: "click",
        },
        {
            content: "This year's figures are shown, month by month",
            trigger: ".o_moh_dashboard button[data-period=year].btn-primary",
        },
        {
            content: "The departments' on-time rates are drawn",
            trigger: ".o_moh_dashboard_on_time:not(:has(.o_moh_dashboard_no_rate)) canvas",
        },
        {
            content: "The bottleneck map has cells",
            trigger: ".o_moh_dashboard_bottlenecks .o_moh_heat_cell",
        },
        {
            content: "Its layout has settled",
            trigger: ".o_moh_dashboard .o_moh_dashboard_figure[data-figure=open_overdue]",
        },
        CHARTS_DRAWN,
    ],
});
