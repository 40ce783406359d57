from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="StandingOnSale")


@_attrs_define
class StandingOnSale:
    """A movie's standing on-sale schedule: a showtime of the movie created later (in cinemaId, or in any cinema
    when it is null) gets it.

        Attributes:
            admission_minutes (int):
            cinema_id (None | UUID):
            opens_at (str):
            queue (bool):
            updated_at (str):
            admit_per_minute (int | None | Unset):
    """

    admission_minutes: int
    cinema_id: None | UUID
    opens_at: str
    queue: bool
    updated_at: str
    admit_per_minute: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        admission_minutes = self.admission_minutes

        cinema_id: None | str
        if isinstance(self.cinema_id, UUID):
            cinema_id = str(self.cinema_id)
        else:
            cinema_id = self.cinema_id

        opens_at = self.opens_at

        queue = self.queue

        updated_at = self.updated_at

        admit_per_minute: int | None | Unset
        if isinstance(self.admit_per_minute, Unset):
            admit_per_minute = UNSET
        else:
            admit_per_minute = self.admit_per_minute

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "admissionMinutes": admission_minutes,
                "cinemaId": cinema_id,
                "opensAt": opens_at,
                "queue": queue,
                "updatedAt": updated_at,
            }
        )
        if admit_per_minute is not UNSET:
            field_dict["admitPerMinute"] = admit_per_minute

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        admission_minutes = d.pop("admissionMinutes")

        def _parse_cinema_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cinema_id_type_0 = UUID(data)

                return cinema_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        cinema_id = _parse_cinema_id(d.pop("cinemaId"))

        opens_at = d.pop("opensAt")

        queue = d.pop("queue")

        updated_at = d.pop("updatedAt")

        def _parse_admit_per_minute(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        admit_per_minute = _parse_admit_per_minute(d.pop("admitPerMinute", UNSET))

        standing_on_sale = cls(
            admission_minutes=admission_minutes,
            cinema_id=cinema_id,
            opens_at=opens_at,
            queue=queue,
            updated_at=updated_at,
            admit_per_minute=admit_per_minute,
        )

        standing_on_sale.additional_properties = d
        return standing_on_sale

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
