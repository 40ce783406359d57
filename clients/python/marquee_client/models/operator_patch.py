from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.operator_patch_role import OperatorPatchRole, check_operator_patch_role
from ..types import UNSET, Unset

T = TypeVar("T", bound="OperatorPatch")


@_attrs_define
class OperatorPatch:
    """
    Attributes:
        active (bool | Unset):
        cinema_ids (list[UUID] | None | Unset):
        password (str | Unset):
        role (OperatorPatchRole | Unset):
    """

    active: bool | Unset = UNSET
    cinema_ids: list[UUID] | None | Unset = UNSET
    password: str | Unset = UNSET
    role: OperatorPatchRole | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        cinema_ids: list[str] | None | Unset
        if isinstance(self.cinema_ids, Unset):
            cinema_ids = UNSET
        elif isinstance(self.cinema_ids, list):
            cinema_ids = []
            for cinema_ids_type_0_item_data in self.cinema_ids:
                cinema_ids_type_0_item = str(cinema_ids_type_0_item_data)
                cinema_ids.append(cinema_ids_type_0_item)

        else:
            cinema_ids = self.cinema_ids

        password = self.password

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if active is not UNSET:
            field_dict["active"] = active
        if cinema_ids is not UNSET:
            field_dict["cinemaIds"] = cinema_ids
        if password is not UNSET:
            field_dict["password"] = password
        if role is not UNSET:
            field_dict["role"] = role

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active = d.pop("active", UNSET)

        def _parse_cinema_ids(data: object) -> list[UUID] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                cinema_ids_type_0 = []
                _cinema_ids_type_0 = data
                for cinema_ids_type_0_item_data in _cinema_ids_type_0:
                    cinema_ids_type_0_item = UUID(cinema_ids_type_0_item_data)

                    cinema_ids_type_0.append(cinema_ids_type_0_item)

                return cinema_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[UUID] | None | Unset, data)

        cinema_ids = _parse_cinema_ids(d.pop("cinemaIds", UNSET))

        password = d.pop("password", UNSET)

        _role = d.pop("role", UNSET)
        role: OperatorPatchRole | Unset
        if isinstance(_role, Unset):
            role = UNSET
        else:
            role = check_operator_patch_role(_role)

        operator_patch = cls(
            active=active,
            cinema_ids=cinema_ids,
            password=password,
            role=role,
        )

        operator_patch.additional_properties = d
        return operator_patch

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
