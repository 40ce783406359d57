from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.operator_brief import OperatorBrief


T = TypeVar("T", bound="LoginOut")


@_attrs_define
class LoginOut:
    """
    Attributes:
        expires_at (str):
        operator (OperatorBrief):
        token (str):
    """

    expires_at: str
    operator: OperatorBrief
    token: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        expires_at = self.expires_at

        operator = self.operator.to_dict()

        token = self.token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "expiresAt": expires_at,
                "operator": operator,
                "token": token,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.operator_brief import OperatorBrief  # noqa: PLC0415

        d = dict(src_dict)
        expires_at = d.pop("expiresAt")

        operator = OperatorBrief.from_dict(d.pop("operator"))

        token = d.pop("token")

        login_out = cls(
            expires_at=expires_at,
            operator=operator,
            token=token,
        )

        login_out.additional_properties = d
        return login_out

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
