from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.api_key_role import ApiKeyRole, check_api_key_role

T = TypeVar("T", bound="ApiKey")


@_attrs_define
class ApiKey:
    """
    Attributes:
        bootstrap (bool):
        cinema_ids (list[UUID] | None):
        created_at (str):
        created_by (str):
        id (UUID):
        key_prefix (str):
        name (str):
        revoked_at (None | str):
        role (ApiKeyRole):
    """

    bootstrap: bool
    cinema_ids: list[UUID] | None
    created_at: str
    created_by: str
    id: UUID
    key_prefix: str
    name: str
    revoked_at: None | str
    role: ApiKeyRole
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        bootstrap = self.bootstrap

        cinema_ids: list[str] | None
        if isinstance(self.cinema_ids, list):
            cinema_ids = []
            for cinema_ids_type_0_item_data in self.cinema_ids:
                cinema_ids_type_0_item = str(cinema_ids_type_0_item_data)
                cinema_ids.append(cinema_ids_type_0_item)

        else:
            cinema_ids = self.cinema_ids

        created_at = self.created_at

        created_by = self.created_by

        id = str(self.id)

        key_prefix = self.key_prefix

        name = self.name

        revoked_at: None | str
        revoked_at = self.revoked_at

        role: str = self.role

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "bootstrap": bootstrap,
                "cinemaIds": cinema_ids,
                "createdAt": created_at,
                "createdBy": created_by,
                "id": id,
                "keyPrefix": key_prefix,
                "name": name,
                "revokedAt": revoked_at,
                "role": role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        bootstrap = d.pop("bootstrap")

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

        created_by = d.pop("createdBy")

        id = UUID(d.pop("id"))

        key_prefix = d.pop("keyPrefix")

        name = d.pop("name")

        def _parse_revoked_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        revoked_at = _parse_revoked_at(d.pop("revokedAt"))

        role = check_api_key_role(d.pop("role"))

        api_key = cls(
            bootstrap=bootstrap,
            cinema_ids=cinema_ids,
            created_at=created_at,
            created_by=created_by,
            id=id,
            key_prefix=key_prefix,
            name=name,
            revoked_at=revoked_at,
            role=role,
        )

        api_key.additional_properties = d
        return api_key

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
