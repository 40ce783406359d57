from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.auditorium_layout import AuditoriumLayout


T = TypeVar("T", bound="AuditoriumIn")


@_attrs_define
class AuditoriumIn:
    """
    Attributes:
        cinema_id (UUID):
        layout (AuditoriumLayout): Row labels, seat numbers in a row, positions (x, y) and seat ids ("seat-" +
            lower(label) + number) are
            unique in the auditorium (else 422 VALIDATION_ERROR).
        name (str):
    """

    cinema_id: UUID
    layout: AuditoriumLayout
    name: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cinema_id = str(self.cinema_id)

        layout = self.layout.to_dict()

        name = self.name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cinemaId": cinema_id,
                "layout": layout,
                "name": name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.auditorium_layout import AuditoriumLayout  # noqa: PLC0415

        d = dict(src_dict)
        cinema_id = UUID(d.pop("cinemaId"))

        layout = AuditoriumLayout.from_dict(d.pop("layout"))

        name = d.pop("name")

        auditorium_in = cls(
            cinema_id=cinema_id,
            layout=layout,
            name=name,
        )

        auditorium_in.additional_properties = d
        return auditorium_in

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
