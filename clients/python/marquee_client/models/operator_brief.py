from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.operator_brief_role import OperatorBriefRole, check_operator_brief_role

T = TypeVar("T", bound="OperatorBrief")


@_attrs_define
class OperatorBrief:
    """
    Attributes:
        cinema_ids (list[UUID] | None):
        email (str):
        id (UUID):
        name (str):
        role (OperatorBriefRole):
    """

    cinema_ids: list[UUID] | None
    email: str
    id: UUID
    name: str
    role: OperatorBriefRole
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cinema_ids: list[str] | None
        if isinstance(self.cinema_ids, list):
            cinema_ids = []
            for cinema_ids_type_0_item_data in self.cinema_ids:
                cinema_ids_type_0_item = str(cinema_ids_type_0_item_data)
                cinema_ids.append(cinema_ids_type_0_item)

        else:
            cinema_ids = self.cinema_ids

        email = self.email

        id = str(self.id)

        name = self.name

        role: str = self.role

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cinemaIds": cinema_ids,
                "email": email,
                "id": id,
                "name": name,
                "role": role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

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

        email = d.pop("email")

        id = UUID(d.pop("id"))

        name = d.pop("name")

        role = check_operator_brief_role(d.pop("role"))

        operator_brief = cls(
            cinema_ids=cinema_ids,
            email=email,
            id=id,
            name=name,
            role=role,
        )

        operator_brief.additional_properties = d
        return operator_brief

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
