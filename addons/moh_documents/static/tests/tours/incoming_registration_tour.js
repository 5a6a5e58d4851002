import { registry } from "@web/core/registry";

/**
 * A records clerk enters a document received on paper in the back office and gives it its
 * incoming number (Decree 30/2020, Art. 22): the form as the clerk fills it, then "Enter in
 * Register". Run by moh_documents/tests/test_tours.py, which checks the record it leaves.
 */
registry.category("web_tour.tours").add("moh_incoming_registration", {
    url: "/odoo/action-moh_documents.action_moh_incoming_document/new",
    steps: () => [
        {
            content: "Sender",
            trigger: ".o_field_widget[name=sender_name] input",
            run: "edit Sở Y tế Hà Nội",
        },
        {
            content: "Number and symbol on the paper",
            trigger: ".o_field_widget[name=number_symbol] input",
            run: "edit 2041/SYT-NVY",
        },
        {
            content: "Issue date",
            trigger: ".o_field_widget[name=issue_date] input",
            run: "edit 2026-11-30",
        },
        {
            content: "Document type",
            trigger: ".o_field_widget[name=document_type_id] input",
            run: "edit Tờ trình kiểm thử",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-item .dropdown-item:contains(Tờ trình kiểm thử)",
            run: "click",
        },
        {
            content: "It is chosen",
            trigger: '.o_field_widget[name=document_type_id] input:value("Tờ trình kiểm thử")',
        },
        {
            content: "Abstract",
            trigger: ".o_field_widget[name=abstract] textarea",
            run: "edit V/v báo cáo tình hình cung ứng thuốc quý IV",
        },
        {
            content: "Save the draft",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The draft is saved",
            trigger: ".o_form_saved",
        },
        {
            content: "Enter it in the register",
            trigger: "button[name=action_register]",
            run: "click",
        },
        {
            content: "It has its incoming number and is registered",
            trigger: ".o_field_widget[name=number]:not(:empty)",
        },
        {
            content: "The status bar says so",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=registered]",
        },
    ],
});
