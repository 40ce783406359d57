from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.operator_role import OperatorRole, check_operator_role

T = TypeVar("T", bound="Operator")


@_attrs_define
class Operator:
    """
    Attributes:
        active (bool):
        cinema_ids (list[UUID] | None):
        created_at (str):
        email (str):
        id (UUID):
        name (str):
        role (OperatorRole):
        updated_at (str):
    """

    active: bool
    cinema_ids: list[UUID] | None
    created_at: str
    email: str
    id: UUID
    name: str
    role: OperatorRole
    updated_at: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        cinema_ids: list[str] | None
        if isinstance(self.cinema_ids, list):
            cinema_ids = []
            for cinema_ids_type_0_item_data in self.cinema_ids:
                cinema_ids_type_0_item = str(cinema_ids_type_0_item_data)
                cinema_ids.append(cinema_ids_type_0_item)

        else:
            cinema_ids = self.cinema_ids

        created_at = self.created_at

        email = self.email

        id = str(self.id)

        name = self.name

        role: str = self.role

        updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active": active,
                "cinemaIds": cinema_ids,
                "createdAt": created_at,
                "email": email,
                "id": id,
                "name": name,
                "role": role,
                "updatedAt": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active = d.pop("active")

        def _parse_cinema_ids(data: object) -> list[UUID] | None:
            if data is None:
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
            return cast(list[UUID] | None, data)

        cinema_ids = _parse_cinema_ids(d.pop("cinemaIds"))

        created_at = d.pop("createdAt")

        email = d.pop("email")

        id = UUID(d.pop("id"))

        name = d.pop("name")

        role = check_operator_role(d.pop("role"))

        updated_at = d.pop("updatedAt")

        operator = cls(
            active=active,
            cinema_ids=cinema_ids,
            created_at=created_at,
            email=email,
            id=id,
            name=name,
            role=role,
            updated_at=updated_at,
        )

        operator.additional_properties = d
        return operator

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
