from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.admin_release_response_200 import AdminReleaseResponse200
from ...models.channel_release import ChannelRelease
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    showtime_id: UUID,
    channel: str,
    *,
    body: ChannelRelease,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/admin/showtimes/{showtime_id}/channels/{channel}/release".format(
            showtime_id=quote(str(showtime_id), safe=""),
            channel=quote(str(channel), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AdminReleaseResponse200 | Error | None:
    if response.status_code == 200:
        response_200 = AdminReleaseResponse200.from_dict(response.json())

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

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

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
) -> Response[AdminReleaseResponse200 | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    showtime_id: UUID,
    channel: str,
    *,
    client: AuthenticatedClient,
    body: ChannelRelease,
) -> Response[AdminReleaseResponse200 | Error]:
    """Release a channel's seats to general sale now (channels.manage)

    Args:
        showtime_id (UUID):
        channel (str):
        body (ChannelRelease):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AdminReleaseResponse200 | Error]
    """

    kwargs = _get_kwargs(
        showtime_id=showtime_id,
        channel=channel,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    showtime_id: UUID,
    channel: str,
    *,
    client: AuthenticatedClient,
    body: ChannelRelease,
) -> AdminReleaseResponse200 | Error | None:
    """Release a channel's seats to general sale now (channels.manage)

    Args:
        showtime_id (UUID):
        channel (str):
        body (ChannelRelease):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AdminReleaseResponse200 | Error
    """

    return sync_detailed(
        showtime_id=showtime_id,
        channel=channel,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    showtime_id: UUID,
    channel: str,
    *,
    client: AuthenticatedClient,
    body: ChannelRelease,
) -> Response[AdminReleaseResponse200 | Error]:
    """Release a channel's seats to general sale now (channels.manage)

    Args:
        showtime_id (UUID):
        channel (str):
        body (ChannelRelease):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AdminReleaseResponse200 | Error]
    """

    kwargs = _get_kwargs(
        showtime_id=showtime_id,
        channel=channel,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    showtime_id: UUID,
    channel: str,
    *,
    client: AuthenticatedClient,
    body: ChannelRelease,
) -> AdminReleaseResponse200 | Error | None:
    """Release a channel's seats to general sale now (channels.manage)

    Args:
        showtime_id (UUID):
        channel (str):
        body (ChannelRelease):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AdminReleaseResponse200 | Error
    """

    return (
        await asyncio_detailed(
            showtime_id=showtime_id,
            channel=channel,
            client=client,
            body=body,
        )
    ).parsed
