from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="OnSaleIn")


@_attrs_define
class OnSaleIn:
    """
    Attributes:
        opens_at (datetime.datetime):
        admission_minutes (int | None | Unset):
        admit_per_minute (int | None | Unset):
        queue (bool | Unset):  Default: True.
    """

    opens_at: datetime.datetime
    admission_minutes: int | None | Unset = UNSET
    admit_per_minute: int | None | Unset = UNSET
    queue: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        opens_at = self.opens_at.isoformat()

        admission_minutes: int | None | Unset
        if isinstance(self.admission_minutes, Unset):
            admission_minutes = UNSET
        else:
            admission_minutes = self.admission_minutes

        admit_per_minute: int | None | Unset
        if isinstance(self.admit_per_minute, Unset):
            admit_per_minute = UNSET
        else:
            admit_per_minute = self.admit_per_minute

        queue = self.queue

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "opensAt": opens_at,
            }
        )
        if admission_minutes is not UNSET:
            field_dict["admissionMinutes"] = admission_minutes
        if admit_per_minute is not UNSET:
            field_dict["admitPerMinute"] = admit_per_minute
        if queue is not UNSET:
            field_dict["queue"] = queue

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        opens_at = datetime.datetime.fromisoformat(d.pop("opensAt"))

        def _parse_admission_minutes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        admission_minutes = _parse_admission_minutes(d.pop("admissionMinutes", UNSET))

        def _parse_admit_per_minute(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        admit_per_minute = _parse_admit_per_minute(d.pop("admitPerMinute", UNSET))

        queue = d.pop("queue", UNSET)

        on_sale_in = cls(
            opens_at=opens_at,
            admission_minutes=admission_minutes,
            admit_per_minute=admit_per_minute,
            queue=queue,
        )

        on_sale_in.additional_properties = d
        return on_sale_in

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
