import { Component, onMounted, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { deserializeDate, formatDate } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

/**
 * The leadership dashboard: the processing figures of the period (this month, quarter or
 * year), drawn with the Chart.js bundled with Odoo, every figure opening the items behind it.
 * All figures come from one read-only call, moh.kpi.dashboard.get_dashboard_data, which
 * checks the caller (department heads and ministry leaders) and stores nothing.
 */
export class LeadershipDashboard extends Component {
    static template = "moh_documents.LeadershipDashboard";
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        const context = this.props.action.context || {};
        this.state = useState({
            period: context.moh_period || "month",
            departmentId: false,
            kind: context.moh_kind || "document",
            data: null,
            loading: true,
        });
        this.trendRef = useRef("trend");
        this.onTimeRef = useRef("onTime");
        this.ageingRef = useRef("ageing");
        this.charts = [];
        this.periods = [
            ["month", _t("This Month")],
            ["quarter", _t("This Quarter")],
            ["year", _t("This Year")],
        ];
        onWillStart(async () => {
            await loadBundle("web.chartjs_lib");
            await this.load();
        });
        onMounted(() => this.drawCharts());
        onWillUnmount(() => this.destroyCharts());
    }

    async load() {
        this.state.loading = true;
        this.state.data = await this.orm.call("moh.kpi.dashboard", "get_dashboard_data", [], {
            period: this.state.period,
            department_id: this.state.departmentId || false,
            kind: this.state.kind,
        });
        this.state.loading = false;
    }

    async reload() {
        await this.load();
        this.drawCharts();
    }

    async setPeriod(period) {
        this.state.period = period;
        await this.reload();
    }

    async onDepartmentChange(ev) {
        this.state.departmentId = Number(ev.target.value) || false;
        await this.reload();
    }

    // -- figures ------------------------------------------------------------------------------

    get figures() {
        const totals = this.state.data.totals;
        return [
            { key: "received", label: _t("Received"), value: totals.received, css: "" },
            { key: "completed_on_time", label: _t("Completed on Time"), value: totals.completed_on_time, css: "text-success" },
            { key: "completed_late", label: _t("Completed Late"), value: totals.completed_late, css: "text-warning" },
            { key: "open_on_time", label: _t("Open, on Time"), value: totals.open_on_time, css: "" },
            { key: "open_overdue", label: _t("Open, Overdue"), value: totals.open_overdue, css: "text-danger" },
        ];
    }

    formatDay(value) {
        return value ? formatDate(deserializeDate(value)) : "";
    }

    get hasRates() {
        return this.state.data.on_time.some((d) => d.on_time_rate !== null);
    }

    /** The on-time chart grows with the departments, so that each bar keeps its name. */
    get onTimeHeight() {
        const rated = this.state.data.on_time.filter((d) => d.on_time_rate !== null).length;
        return `height: ${Math.max(220, 24 * rated + 40)}px`;
    }

    formatRate(rate) {
        return rate === null || rate === undefined ? "–" : `${rate.toFixed(1)}%`;
    }

    cellAt(stage, departmentId) {
        return this.state.data.bottlenecks.cells.find(
            (c) => c.stage === stage && c.department_id === departmentId
        );
    }

    cellStyle(cell) {
        if (!cell || !cell.hours) {
            return "";
        }
        const max = this.state.data.bottlenecks.max_hours || 1;
        const alpha = 0.15 + 0.75 * (cell.hours / max);
        return `background-color: rgba(220, 53, 69, ${alpha.toFixed(2)});`;
    }

    // -- drill-down ---------------------------------------------------------------------------

    drill(domain, name, resModel = "moh.kpi.item") {
        return this.action.doAction({
            type: "ir.actions.act_window",
            name: name || _t("Items"),
            res_model: resModel,
            views:
                resModel === "moh.kpi.item"
                    ? [
                          [false, "list"],
                          [false, "pivot"],
                          [false, "graph"],
                      ]
                    : [
                          [false, "list"],
                          [false, "form"],
                      ],
            domain,
            context: { create: false },
        });
    }

    drillFigure(figure) {
        this.drill(this.state.data.total_domains[figure.key], figure.label);
    }

    drillCell(cell, stageLabel, departmentName) {
        if (cell) {
            this.drill(cell.domain, `${departmentName} – ${stageLabel}`, cell.model);
        }
    }

    drillLate() {
        const ids = this.state.data.late.map((item) => item.id);
        this.drill([["id", "in", ids]], _t("Likely Late This Week"));
    }

    async openItem(item) {
        const action = await this.orm.call("moh.kpi.item", "action_open_source", [[item.id]]);
        this.action.doAction(action);
    }

    // -- charts -------------------------------------------------------------------------------

    destroyCharts() {
        for (const chart of this.charts) {
            chart.destroy();
        }
        this.charts = [];
    }

    makeChart(ref, config, onPick) {
        if (!ref.el) {
            return;
        }
        config.options = Object.assign(
            {
                responsive: true,
                maintainAspectRatio: false,
                onClick: (event, elements) => {
                    if (elements.length) {
                        onPick(elements[0].datasetIndex, elements[0].index);
                    }
                },
                onHover: (event, elements) => {
                    event.native.target.style.cursor = elements.length ? "pointer" : "default";
                },
                // The canvas says when Chart.js has finished drawing (set at the end of its
                // animation, or at once when nothing animates; cleared while it animates), for
                // whoever waits for the final picture, such as the browser tests' screenshots.
                animation: {
                    onProgress: () => ref.el && delete ref.el.dataset.mohDrawn,
                    onComplete: () => ref.el && (ref.el.dataset.mohDrawn = "1"),
                },
            },
            config.options || {}
        );
        this.charts.push(new window.Chart(ref.el, config));
    }

    drawCharts() {
        this.destroyCharts();
        const data = this.state.data;
        if (!data) {
            return;
        }
        const points = data.trend.points;
        this.makeChart(
            this.trendRef,
            {
                type: "line",
                data: {
                    labels: points.map((p) => p.label),
                    datasets: [
                        { label: _t("Received"), data: points.map((p) => p.received), borderColor: "#0d6efd", backgroundColor: "#0d6efd", cubicInterpolationMode: "monotone" },
                        { label: _t("Completed"), data: points.map((p) => p.completed), borderColor: "#198754", backgroundColor: "#198754", cubicInterpolationMode: "monotone" },
                    ],
                },
                options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
            },
            (dataset, index) => {
                const point = points[index];
                if (dataset === 0) {
                    this.drill(point.received_domain, `${_t("Received")} ${point.label}`);
                } else {
                    this.drill(point.completed_domain, `${_t("Completed")} ${point.label}`);
                }
            }
        );
        const departments = data.on_time.filter((d) => d.on_time_rate !== null);
        this.makeChart(
            this.onTimeRef,
            {
                type: "bar",
                data: {
                    labels: departments.map((d) => d.name),
                    datasets: [
                        {
                            label: _t("On-Time Rate (%)"),
                            data: departments.map((d) => d.on_time_rate),
                            backgroundColor: departments.map((d) => (d.on_time_rate >= 90 ? "#198754" : d.on_time_rate >= 70 ? "#ffc107" : "#dc3545")),
                        },
                    ],
                },
                options: {
                    indexAxis: "y",
                    plugins: { legend: { display: false } },
                    scales: { x: { min: 0, max: 100 }, y: { ticks: { autoSkip: false } } },
                },
            },
            (dataset, index) => this.drill(departments[index].domain, departments[index].name)
        );
        const ageing = data.ageing;
        this.makeChart(
            this.ageingRef,
            {
                type: "bar",
                data: {
                    labels: ageing.map((a) => a.bucket),
                    datasets: [
                        {
                            label: _t("Open Items"),
                            data: ageing.map((a) => a.count),
                            backgroundColor: ["#9ec5fe", "#6ea8fe", "#ffc107", "#fd7e14", "#dc3545"],
                        },
                    ],
                },
                options: {
                    plugins: { legend: { display: false } },
                    scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
                },
            },
            (dataset, index) =>
                this.drill(ageing[index].domain, `${_t("Working days open")}: ${ageing[index].bucket}`)
        );
    }
}

registry.category("actions").add("moh_leadership_dashboard", LeadershipDashboard);
