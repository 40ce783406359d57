from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.api_key_in_role import ApiKeyInRole, check_api_key_in_role
from ..types import UNSET, Unset

T = TypeVar("T", bound="ApiKeyIn")


@_attrs_define
class ApiKeyIn:
    """
    Attributes:
        name (str):
        role (ApiKeyInRole):
        cinema_ids (list[UUID] | None | Unset):
    """

    name: str
    role: ApiKeyInRole
    cinema_ids: list[UUID] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        role: str = self.role

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

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "role": role,
            }
        )
        if cinema_ids is not UNSET:
            field_dict["cinemaIds"] = cinema_ids

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        role = check_api_key_in_role(d.pop("role"))

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

        api_key_in = cls(
            name=name,
            role=role,
            cinema_ids=cinema_ids,
        )

        api_key_in.additional_properties = d
        return api_key_in

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
