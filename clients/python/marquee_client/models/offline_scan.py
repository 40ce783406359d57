from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="OfflineScan")


@_attrs_define
class OfflineScan:
    """
    Attributes:
        scanned_at (datetime.datetime):
        ticket_id (UUID):
        device_id (None | str | Unset):
        door (None | str | Unset):
    """

    scanned_at: datetime.datetime
    ticket_id: UUID
    device_id: None | str | Unset = UNSET
    door: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        scanned_at = self.scanned_at.isoformat()

        ticket_id = str(self.ticket_id)

        device_id: None | str | Unset
        if isinstance(self.device_id, Unset):
            device_id = UNSET
        else:
            device_id = self.device_id

        door: None | str | Unset
        if isinstance(self.door, Unset):
            door = UNSET
        else:
            door = self.door

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "scannedAt": scanned_at,
                "ticketId": ticket_id,
            }
        )
        if device_id is not UNSET:
            field_dict["deviceId"] = device_id
        if door is not UNSET:
            field_dict["door"] = door

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        scanned_at = datetime.datetime.fromisoformat(d.pop("scannedAt"))

        ticket_id = UUID(d.pop("ticketId"))

        def _parse_device_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        device_id = _parse_device_id(d.pop("deviceId", UNSET))

        def _parse_door(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        door = _parse_door(d.pop("door", UNSET))

        offline_scan = cls(
            scanned_at=scanned_at,
            ticket_id=ticket_id,
            device_id=device_id,
            door=door,
        )

        offline_scan.additional_properties = d
        return offline_scan

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
