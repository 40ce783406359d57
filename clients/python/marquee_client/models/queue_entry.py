from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.queue_entry_status import QueueEntryStatus, check_queue_entry_status
from ..types import UNSET, Unset

T = TypeVar("T", bound="QueueEntry")


@_attrs_define
class QueueEntry:
    """A place in a waiting room. position: 1 = next (0 once no longer waiting); admissionToken only when ADMITTED.

    Attributes:
        admitted_until (None | str):
        estimated_wait_seconds (int):
        opens_at (str):
        position (int):
        queue_id (UUID):
        showtime_id (UUID):
        status (QueueEntryStatus):
        admission_token (None | str | Unset):
    """

    admitted_until: None | str
    estimated_wait_seconds: int
    opens_at: str
    position: int
    queue_id: UUID
    showtime_id: UUID
    status: QueueEntryStatus
    admission_token: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        admitted_until: None | str
        admitted_until = self.admitted_until

        estimated_wait_seconds = self.estimated_wait_seconds

        opens_at = self.opens_at

        position = self.position

        queue_id = str(self.queue_id)

        showtime_id = str(self.showtime_id)

        status: str = self.status

        admission_token: None | str | Unset
        if isinstance(self.admission_token, Unset):
            admission_token = UNSET
        else:
            admission_token = self.admission_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "admittedUntil": admitted_until,
                "estimatedWaitSeconds": estimated_wait_seconds,
                "opensAt": opens_at,
                "position": position,
                "queueId": queue_id,
                "showtimeId": showtime_id,
                "status": status,
            }
        )
        if admission_token is not UNSET:
            field_dict["admissionToken"] = admission_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_admitted_until(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        admitted_until = _parse_admitted_until(d.pop("admittedUntil"))

        estimated_wait_seconds = d.pop("estimatedWaitSeconds")

        opens_at = d.pop("opensAt")

        position = d.pop("position")

        queue_id = UUID(d.pop("queueId"))

        showtime_id = UUID(d.pop("showtimeId"))

        status = check_queue_entry_status(d.pop("status"))

        def _parse_admission_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        admission_token = _parse_admission_token(d.pop("admissionToken", UNSET))

        queue_entry = cls(
            admitted_until=admitted_until,
            estimated_wait_seconds=estimated_wait_seconds,
            opens_at=opens_at,
            position=position,
            queue_id=queue_id,
            showtime_id=showtime_id,
            status=status,
            admission_token=admission_token,
        )

        queue_entry.additional_properties = d
        return queue_entry

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
