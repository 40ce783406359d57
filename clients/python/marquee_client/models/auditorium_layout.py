from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.layout_row import LayoutRow


T = TypeVar("T", bound="AuditoriumLayout")


@_attrs_define
class AuditoriumLayout:
    """Row labels, seat numbers in a row, positions (x, y) and seat ids ("seat-" + lower(label) + number) are
    unique in the auditorium (else 422 VALIDATION_ERROR).

        Attributes:
            rows (list[LayoutRow]):
    """

    rows: list[LayoutRow]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rows = []
        for rows_item_data in self.rows:
            rows_item = rows_item_data.to_dict()
            rows.append(rows_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "rows": rows,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.layout_row import LayoutRow  # noqa: PLC0415

        d = dict(src_dict)
        rows = []
        _rows = d.pop("rows")
        for rows_item_data in _rows:
            rows_item = LayoutRow.from_dict(rows_item_data)

            rows.append(rows_item)

        auditorium_layout = cls(
            rows=rows,
        )

        auditorium_layout.additional_properties = d
        return auditorium_layout

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
