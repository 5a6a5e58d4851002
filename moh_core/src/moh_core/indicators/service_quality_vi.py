"""The indicators of Decision 766/QĐ-TTg in Vietnamese: the groups' names as the Decision gives
them, and each indicator's name, formula and what it counts, as the product defines them in
:mod:`moh_core.indicators.service_quality` (English there, the source strings).

:func:`localized` gives an indicator in a language: in Vietnamese, each text still equal to the
product's English default is replaced by its Vietnamese; a text the e-office changed (its source,
say) is kept as written. Nothing here imports Odoo.
"""

from __future__ import annotations

import dataclasses

from moh_core.indicators.service_quality import (
    INDICATOR_BY_CODE,
    SOURCE_GROUP5,
    SOURCE_PLACEHOLDER,
    SOURCE_PORTAL,
    Group,
    Indicator,
)

__all__ = ["GROUP_LABELS", "INDICATOR_TEXTS", "SOURCES", "group_label", "localized"]

#: The five groups (Decision 766/QĐ-TTg, Appendix).
GROUP_LABELS: dict[str, str] = {
    "1": "Công khai, minh bạch",
    "2": "Tiến độ, kết quả giải quyết",
    "3": "Dịch vụ trực tuyến và thanh toán trực tuyến",
    "4": "Số hóa hồ sơ, kết quả giải quyết",
    "5": "Mức độ hài lòng",
}

SOURCES: dict[str, str] = {
    SOURCE_PORTAL: "Ghi chú công thức của đơn vị vận hành Cổng Dịch vụ công quốc gia về Quyết định 766/QĐ-TTg "
    "(điểm cần đối chiếu với Phụ lục của Quyết định)",
    SOURCE_GROUP5: "Quyết định 766/QĐ-TTg, Phụ lục, nhóm 5 (theo trích dẫn trong các bản tóm tắt chính thức)",
    SOURCE_PLACEHOLDER: "Công thức: ghi chú của đơn vị vận hành Cổng Dịch vụ công quốc gia về Quyết định "
    "766/QĐ-TTg. Điểm: chưa tìm thấy trong các văn bản đã đọc; sản phẩm tạm chia điểm của nhóm — cần "
    "đặt lại theo Phụ lục của Quyết định",
}

#: code: (name, formula, what is counted, out of, what the product counts where it differs).
INDICATOR_TEXTS: dict[str, tuple[str, str, str, str, str]] = {
    "1.1": (
        "Công bố thủ tục hành chính đúng hạn",
        "điểm tối đa × (số TTHC công bố đúng hạn / số TTHC đã công bố)",
        "TTHC có quyết định công bố ban hành đúng hạn",
        "TTHC đã công bố",
        "",
    ),
    "1.2": (
        "Công khai TTHC trên Cơ sở dữ liệu quốc gia đúng hạn",
        "4 × (số TTHC công khai đúng hạn / số TTHC đã công khai); đúng hạn: trong 10 ngày làm việc kể từ "
        "ngày công bố (bộ), 5 ngày (tỉnh)",
        "TTHC được công khai đúng hạn trên Cơ sở dữ liệu quốc gia về TTHC",
        "TTHC đã công khai",
        "",
    ),
    "1.3": (
        "Công khai đầy đủ TTHC",
        "điểm tối đa × (số TTHC công khai đầy đủ / số TTHC đã công khai)",
        "TTHC được công khai đầy đủ các bộ phận",
        "TTHC đã công khai",
        "",
    ),
    "1.4": (
        "Hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia",
        "điểm tối đa × (số hồ sơ đã đồng bộ / số hồ sơ tiếp nhận)",
        "hồ sơ tiếp nhận có trạng thái đã đồng bộ lên Cổng DVCQG",
        "hồ sơ tiếp nhận",
        "",
    ),
    "2.1": (
        "Hồ sơ giải quyết đúng hạn",
        "20 × (số hồ sơ giải quyết xong trước hoặc đúng ngày hẹn trả, hoặc đang giải quyết còn hạn) / (số hồ "
        "sơ tiếp nhận hoặc giải quyết); trừ thời gian bổ sung hồ sơ",
        "hồ sơ giải quyết xong đúng hạn + hồ sơ đang giải quyết còn hạn",
        "hồ sơ giải quyết xong trong kỳ + hồ sơ đang giải quyết cuối kỳ",
        "Hạn giải quyết là hạn do đồng hồ của hồ sơ tính: tính lại sau khi bổ sung hồ sơ, lùi một lần khi có "
        "văn bản xin lỗi (Điều 19 Nghị định 118/2025/NĐ-CP).",
    ),
    "2.2": (
        "Thời gian giải quyết trung bình",
        "hiển thị, không tính điểm",
        "số ngày làm việc từ khi tiếp nhận đến khi có kết quả của các hồ sơ đã giải quyết xong",
        "hồ sơ giải quyết xong",
        "",
    ),
    "3.1": (
        "TTHC cung cấp dịch vụ công trực tuyến",
        "2 × (số TTHC có dịch vụ trực tuyến / số TTHC thuộc thẩm quyền), đạt điểm tối đa khi ≥ 80 %",
        "TTHC có dịch vụ công trực tuyến",
        "TTHC thuộc thẩm quyền giải quyết của Bộ",
        "",
    ),
    "3.2": (
        "Dịch vụ công trực tuyến có phát sinh hồ sơ",
        "4 × (số dịch vụ trực tuyến có hồ sơ / số dịch vụ trực tuyến)",
        "thủ tục trong danh mục có hồ sơ nộp trong kỳ",
        "thủ tục đang áp dụng trong danh mục",
        "",
    ),
    "3.3": (
        "Hồ sơ tiếp nhận trực tuyến",
        "6 × (số hồ sơ tiếp nhận trực tuyến, có kết quả điện tử nếu phải trả kết quả giấy) / số hồ sơ tiếp "
        "nhận, đạt điểm tối đa khi ≥ 50 %",
        "hồ sơ tiếp nhận trực tuyến",
        "hồ sơ tiếp nhận trong kỳ",
        "Mọi kết quả đều được trả dưới dạng kết quả điện tử có ký số, nên mọi hồ sơ trực tuyến đều được tính.",
    ),
    "3.4": (
        "TTHC có phí, lệ phí tích hợp Nền tảng thanh toán trực tuyến",
        "2 × (số TTHC đã tích hợp / số TTHC có phí, lệ phí), đạt điểm tối đa khi ≥ 80 %",
        "TTHC có phí, lệ phí thanh toán được qua Nền tảng thanh toán của Cổng DVCQG",
        "TTHC có phí, lệ phí",
        "",
    ),
    "3.5": (
        "TTHC có phí, lệ phí thanh toán được trực tuyến",
        "2 × (số TTHC thanh toán trực tuyến được / số TTHC có phí, lệ phí)",
        "thủ tục đang áp dụng có phí, lệ phí, khi có phương thức thanh toán trực tuyến được bật",
        "thủ tục đang áp dụng có phí, lệ phí",
        "",
    ),
    "3.6": (
        "Hồ sơ thanh toán trực tuyến",
        "6 × (số hồ sơ thanh toán trực tuyến / số hồ sơ có nghĩa vụ tài chính)",
        "hồ sơ tiếp nhận trong kỳ đã nộp phí, lệ phí trực tuyến",
        "hồ sơ tiếp nhận trong kỳ đã nộp phí, lệ phí",
        "Khoản phí, lệ phí chưa nộp không được tính vào mẫu số.",
    ),
    "4.1": (
        "Kết quả giải quyết được cấp dưới dạng điện tử",
        "điểm tối đa × (số kết quả điện tử / số hồ sơ phải trả kết quả)",
        "hồ sơ giải quyết xong có kết quả điện tử được ký số",
        "hồ sơ giải quyết xong trong kỳ",
        "",
    ),
    "4.2": (
        "Hồ sơ được số hóa",
        "điểm tối đa × (số hồ sơ được số hóa thành phần và kết quả / số hồ sơ), đạt điểm tối đa khi ≥ 80 %",
        "hồ sơ tiếp nhận có giấy tờ lưu dưới dạng điện tử (nộp trực tuyến hoặc được số hóa)",
        "hồ sơ tiếp nhận trong kỳ",
        "",
    ),
    "4.3": (
        "Tái sử dụng dữ liệu đã số hóa",
        "điểm tối đa × (số hồ sơ tái sử dụng / số hồ sơ đã số hóa), đạt điểm tối đa khi ≥ 80 %",
        "hồ sơ có tái sử dụng dữ liệu đã số hóa",
        "hồ sơ",
        "",
    ),
    "4.4": (
        "Kết quả được đưa vào kho dữ liệu của người nộp trên Cổng DVCQG",
        "điểm tối đa × (số kết quả đã đưa vào kho / số kết quả điện tử)",
        "kết quả điện tử đã đưa vào kho dữ liệu của người nộp trên Cổng DVCQG",
        "kết quả điện tử",
        "",
    ),
    "4.5": (
        "Khai thác Cơ sở dữ liệu quốc gia về dân cư",
        "điểm tối đa × (số hồ sơ có khai thác / số hồ sơ)",
        "hồ sơ được đối chiếu với Cơ sở dữ liệu quốc gia về dân cư",
        "hồ sơ",
        "",
    ),
    "5.1": (
        "Phản ánh, kiến nghị được xử lý đúng hạn",
        "6 × (số phản ánh, kiến nghị xử lý đúng hạn / số phản ánh, kiến nghị thuộc thẩm quyền)",
        "phản ánh, kiến nghị được trả lời trong hạn",
        "phản ánh, kiến nghị tiếp nhận trong kỳ, đã trả lời hoặc đã quá hạn",
        "",
    ),
    "5.2": (
        "Phản ánh, kiến nghị được giải quyết thỏa đáng",
        "6 × (số phản ánh, kiến nghị − số bị đánh giá không hài lòng, gửi lại hoặc quá hạn) / số phản ánh, kiến nghị",
        "phản ánh, kiến nghị không bị đánh giá không hài lòng, không gửi lại và không quá hạn",
        "phản ánh, kiến nghị tiếp nhận trong kỳ",
        "",
    ),
    "5.3": (
        "Mức độ hài lòng về giải quyết hồ sơ",
        "6 × (số hồ sơ − số hồ sơ quá hạn, bị phản ánh hoặc đánh giá không hài lòng) / số hồ sơ thuộc thẩm "
        "quyền, đạt điểm tối đa khi ≥ 90 %, dưới đó tỷ lệ × 6 / 90 %",
        "hồ sơ giải quyết xong đúng hạn, không bị phản ánh và không bị đánh giá “không hài lòng”",
        "hồ sơ giải quyết xong trong kỳ",
        "",
    ),
    "5.4": (
        "Khiếu nại trong số phản ánh, kiến nghị",
        "hiển thị, không tính điểm (theo loại)",
        "khiếu nại",
        "phản ánh, kiến nghị tiếp nhận trong kỳ",
        "",
    ),
}


def _vietnamese(lang: str | None) -> bool:
    return bool(lang) and str(lang).lower().startswith("vi")


def group_label(group: Group, lang: str | None) -> str:
    """The group's name in ``lang`` (Vietnamese, else the English source)."""
    if _vietnamese(lang):
        return GROUP_LABELS.get(group.code, group.label)
    return group.label


def localized(indicator: Indicator, lang: str | None) -> Indicator:
    """``indicator`` with its texts in ``lang``: in Vietnamese, every text still equal to the
    product's English default becomes its Vietnamese; any other text (changed by the e-office)
    is kept. Other languages: unchanged."""
    default = INDICATOR_BY_CODE.get(indicator.code)
    texts = INDICATOR_TEXTS.get(indicator.code)
    if not _vietnamese(lang) or default is None or texts is None:
        return indicator
    label, formula, numerator, denominator, product_measure = texts

    def text(name: str, vietnamese: str) -> str:
        own: str = getattr(indicator, name)
        return vietnamese if own == getattr(default, name) else own

    source = indicator.source
    if source == default.source and source in SOURCES:
        source = SOURCES[source]
    return dataclasses.replace(
        indicator,
        label=text("label", label),
        formula=text("formula", formula),
        numerator=text("numerator", numerator),
        denominator=text("denominator", denominator),
        product_measure=text("product_measure", product_measure),
        source=source,
    )
