from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="OnSale")


@_attrs_define
class OnSale:
    """
    Attributes:
        admission_minutes (int):
        admit_per_minute (int | None):
        opens_at (str):
        paused (bool):
        queue (bool):
        showtime_id (UUID):
        updated_at (str):
    """

    admission_minutes: int
    admit_per_minute: int | None
    opens_at: str
    paused: bool
    queue: bool
    showtime_id: UUID
    updated_at: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        admission_minutes = self.admission_minutes

        admit_per_minute: int | None
        admit_per_minute = self.admit_per_minute

        opens_at = self.opens_at

        paused = self.paused

        queue = self.queue

        showtime_id = str(self.showtime_id)

        updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "admissionMinutes": admission_minutes,
                "admitPerMinute": admit_per_minute,
                "opensAt": opens_at,
                "paused": paused,
                "queue": queue,
                "showtimeId": showtime_id,
                "updatedAt": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        admission_minutes = d.pop("admissionMinutes")

        def _parse_admit_per_minute(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        admit_per_minute = _parse_admit_per_minute(d.pop("admitPerMinute"))

        opens_at = d.pop("opensAt")

        paused = d.pop("paused")

        queue = d.pop("queue")

        showtime_id = UUID(d.pop("showtimeId"))

        updated_at = d.pop("updatedAt")

        on_sale = cls(
            admission_minutes=admission_minutes,
            admit_per_minute=admit_per_minute,
            opens_at=opens_at,
            paused=paused,
            queue=queue,
            showtime_id=showtime_id,
            updated_at=updated_at,
        )

        on_sale.additional_properties = d
        return on_sale

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
