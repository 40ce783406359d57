from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.seat_map import SeatMap
from ...types import UNSET, Response, Unset


def _get_kwargs(
    showtime_id: UUID,
    *,
    x_session_token: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_session_token, Unset):
        headers["X-Session-Token"] = x_session_token

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/showtimes/{showtime_id}/seats".format(
            showtime_id=quote(str(showtime_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Error | SeatMap | None:
    if response.status_code == 200:
        response_200 = SeatMap.from_dict(response.json())

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | Error | SeatMap]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    showtime_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    x_session_token: None | str | Unset = UNSET,
) -> Response[Any | Error | SeatMap]:
    """Seat map with live status (ETag / If-None-Match)

    Args:
        showtime_id (UUID):
        x_session_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | SeatMap]
    """

    kwargs = _get_kwargs(
        showtime_id=showtime_id,
        x_session_token=x_session_token,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    showtime_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    x_session_token: None | str | Unset = UNSET,
) -> Any | Error | SeatMap | None:
    """Seat map with live status (ETag / If-None-Match)

    Args:
        showtime_id (UUID):
        x_session_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | SeatMap
    """

    return sync_detailed(
        showtime_id=showtime_id,
        client=client,
        x_session_token=x_session_token,
    ).parsed


async def asyncio_detailed(
    showtime_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    x_session_token: None | str | Unset = UNSET,
) -> Response[Any | Error | SeatMap]:
    """Seat map with live status (ETag / If-None-Match)

    Args:
        showtime_id (UUID):
        x_session_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | SeatMap]
    """

    kwargs = _get_kwargs(
        showtime_id=showtime_id,
        x_session_token=x_session_token,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    showtime_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    x_session_token: None | str | Unset = UNSET,
) -> Any | Error | SeatMap | None:
    """Seat map with live status (ETag / If-None-Match)

    Args:
        showtime_id (UUID):
        x_session_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | SeatMap
    """

    return (
        await asyncio_detailed(
            showtime_id=showtime_id,
            client=client,
            x_session_token=x_session_token,
        )
    ).parsed
