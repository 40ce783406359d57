from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ScanIn")


@_attrs_define
class ScanIn:
    """
    Attributes:
        code (str):
        device_id (None | str | Unset):
        door (None | str | Unset):
        showtime_id (None | Unset | UUID):
    """

    code: str
    device_id: None | str | Unset = UNSET
    door: None | str | Unset = UNSET
    showtime_id: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

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

        showtime_id: None | str | Unset
        if isinstance(self.showtime_id, Unset):
            showtime_id = UNSET
        elif isinstance(self.showtime_id, UUID):
            showtime_id = str(self.showtime_id)
        else:
            showtime_id = self.showtime_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
            }
        )
        if device_id is not UNSET:
            field_dict["deviceId"] = device_id
        if door is not UNSET:
            field_dict["door"] = door
        if showtime_id is not UNSET:
            field_dict["showtimeId"] = showtime_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

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

        def _parse_showtime_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                showtime_id_type_0 = UUID(data)

                return showtime_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        showtime_id = _parse_showtime_id(d.pop("showtimeId", UNSET))

        scan_in = cls(
            code=code,
            device_id=device_id,
            door=door,
            showtime_id=showtime_id,
        )

        scan_in.additional_properties = d
        return scan_in

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
