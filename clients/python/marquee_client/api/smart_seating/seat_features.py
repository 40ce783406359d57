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
    channel: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_channel: None | str | Unset
    if isinstance(channel, Unset):
        json_channel = UNSET
    else:
        json_channel = channel
    params["channel"] = json_channel

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/showtimes/{showtime_id}/seat-features".format(
            showtime_id=quote(str(showtime_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Error | None:
    if response.status_code == 200:
        response_200 = response.json()
        return response_200

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
    client: AuthenticatedClient | Client,
    channel: None | str | Unset = UNSET,
) -> Response[Any | Error]:
    """Wheelchair companions and channel seats of a showtime

    Args:
        showtime_id (UUID):
        channel (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = _get_kwargs(
        showtime_id=showtime_id,
        channel=channel,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    showtime_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    channel: None | str | Unset = UNSET,
) -> Any | Error | None:
    """Wheelchair companions and channel seats of a showtime

    Args:
        showtime_id (UUID):
        channel (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return sync_detailed(
        showtime_id=showtime_id,
        client=client,
        channel=channel,
    ).parsed


async def asyncio_detailed(
    showtime_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    channel: None | str | Unset = UNSET,
) -> Response[Any | Error]:
    """Wheelchair companions and channel seats of a showtime

    Args:
        showtime_id (UUID):
        channel (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = _get_kwargs(
        showtime_id=showtime_id,
        channel=channel,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    showtime_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    channel: None | str | Unset = UNSET,
) -> Any | Error | None:
    """Wheelchair companions and channel seats of a showtime

    Args:
        showtime_id (UUID):
        channel (None | str | Unset):

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
            channel=channel,
        )
    ).parsed
