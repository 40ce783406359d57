import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    showtime_id: UUID,
    *,
    seat_id: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 1000,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_seat_id: None | str | Unset
    if isinstance(seat_id, Unset):
        json_seat_id = UNSET
    else:
        json_seat_id = seat_id
    params["seatId"] = json_seat_id

    json_since: None | str | Unset
    if isinstance(since, Unset):
        json_since = UNSET
    elif isinstance(since, datetime.datetime):
        json_since = since.isoformat()
    else:
        json_since = since
    params["since"] = json_since

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/admin/showtimes/{showtime_id}/seat-history".format(
            showtime_id=quote(str(showtime_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Error | None:
    if response.status_code == 200:
        response_200 = response.json()
        return response_200

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = Error.from_dict(response.json())

        return response_422

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    showtime_id: UUID,
    *,
    client: AuthenticatedClient,
    seat_id: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 1000,
) -> Response[Any | Error]:
    """Seat status history of a showtime (or one seat) (bookings.read)

    Args:
        showtime_id (UUID):
        seat_id (None | str | Unset):
        since (datetime.datetime | None | Unset):
        limit (int | Unset):  Default: 1000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = _get_kwargs(
        showtime_id=showtime_id,
        seat_id=seat_id,
        since=since,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    showtime_id: UUID,
    *,
    client: AuthenticatedClient,
    seat_id: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 1000,
) -> Any | Error | None:
    """Seat status history of a showtime (or one seat) (bookings.read)

    Args:
        showtime_id (UUID):
        seat_id (None | str | Unset):
        since (datetime.datetime | None | Unset):
        limit (int | Unset):  Default: 1000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return sync_detailed(
        showtime_id=showtime_id,
        client=client,
        seat_id=seat_id,
        since=since,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    showtime_id: UUID,
    *,
    client: AuthenticatedClient,
    seat_id: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 1000,
) -> Response[Any | Error]:
    """Seat status history of a showtime (or one seat) (bookings.read)

    Args:
        showtime_id (UUID):
        seat_id (None | str | Unset):
        since (datetime.datetime | None | Unset):
        limit (int | Unset):  Default: 1000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = _get_kwargs(
        showtime_id=showtime_id,
        seat_id=seat_id,
        since=since,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    showtime_id: UUID,
    *,
    client: AuthenticatedClient,
    seat_id: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 1000,
) -> Any | Error | None:
    """Seat status history of a showtime (or one seat) (bookings.read)

    Args:
        showtime_id (UUID):
        seat_id (None | str | Unset):
        since (datetime.datetime | None | Unset):
        limit (int | Unset):  Default: 1000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return (
        await asyncio_detailed(
            showtime_id=showtime_id,
            client=client,
            seat_id=seat_id,
            since=since,
            limit=limit,
        )
    ).parsed
