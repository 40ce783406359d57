from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.exchange_best_available import ExchangeBestAvailable


T = TypeVar("T", bound="ExchangeBest")


@_attrs_define
class ExchangeBest:
    """Move to the best n seats.

    Attributes:
        best_available (ExchangeBestAvailable): The best n seats of the target showtime (the rules of best available).
        showtime_id (UUID):
    """

    best_available: ExchangeBestAvailable
    showtime_id: UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        best_available = self.best_available.to_dict()

        showtime_id = str(self.showtime_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "bestAvailable": best_available,
                "showtimeId": showtime_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.exchange_best_available import ExchangeBestAvailable  # noqa: PLC0415

        d = dict(src_dict)
        best_available = ExchangeBestAvailable.from_dict(d.pop("bestAvailable"))

        showtime_id = UUID(d.pop("showtimeId"))

        exchange_best = cls(
            best_available=best_available,
            showtime_id=showtime_id,
        )

        exchange_best.additional_properties = d
        return exchange_best

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
