from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.exchange_best_available_types_type_0_item import (
    ExchangeBestAvailableTypesType0Item,
    check_exchange_best_available_types_type_0_item,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="ExchangeBestAvailable")


@_attrs_define
class ExchangeBestAvailable:
    """The best n seats of the target showtime (the rules of best available).

    Attributes:
        quantity (int):
        together (bool | Unset):  Default: True.
        types (list[ExchangeBestAvailableTypesType0Item] | None | Unset):
    """

    quantity: int
    together: bool | Unset = True
    types: list[ExchangeBestAvailableTypesType0Item] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        quantity = self.quantity

        together = self.together

        types: list[str] | None | Unset
        if isinstance(self.types, Unset):
            types = UNSET
        elif isinstance(self.types, list):
            types = []
            for types_type_0_item_data in self.types:
                types_type_0_item: str = types_type_0_item_data
                types.append(types_type_0_item)

        else:
            types = self.types

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "quantity": quantity,
            }
        )
        if together is not UNSET:
            field_dict["together"] = together
        if types is not UNSET:
            field_dict["types"] = types

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        quantity = d.pop("quantity")

        together = d.pop("together", UNSET)

        def _parse_types(data: object) -> list[ExchangeBestAvailableTypesType0Item] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                types_type_0 = []
                _types_type_0 = data
                for types_type_0_item_data in _types_type_0:
                    types_type_0_item = check_exchange_best_available_types_type_0_item(types_type_0_item_data)

                    types_type_0.append(types_type_0_item)

                return types_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ExchangeBestAvailableTypesType0Item] | None | Unset, data)

        types = _parse_types(d.pop("types", UNSET))

        exchange_best_available = cls(
            quantity=quantity,
            together=together,
            types=types,
        )

        exchange_best_available.additional_properties = d
        return exchange_best_available

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
