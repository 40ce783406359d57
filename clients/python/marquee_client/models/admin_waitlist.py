from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.admin_waitlist_entry import AdminWaitlistEntry


T = TypeVar("T", bound="AdminWaitlist")


@_attrs_define
class AdminWaitlist:
    """
    Attributes:
        entries (list[AdminWaitlistEntry]):
        showtime_id (UUID):
    """

    entries: list[AdminWaitlistEntry]
    showtime_id: UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        entries = []
        for entries_item_data in self.entries:
            entries_item = entries_item_data.to_dict()
            entries.append(entries_item)

        showtime_id = str(self.showtime_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entries": entries,
                "showtimeId": showtime_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.admin_waitlist_entry import AdminWaitlistEntry  # noqa: PLC0415

        d = dict(src_dict)
        entries = []
        _entries = d.pop("entries")
        for entries_item_data in _entries:
            entries_item = AdminWaitlistEntry.from_dict(entries_item_data)

            entries.append(entries_item)

        showtime_id = UUID(d.pop("showtimeId"))

        admin_waitlist = cls(
            entries=entries,
            showtime_id=showtime_id,
        )

        admin_waitlist.additional_properties = d
        return admin_waitlist

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
