from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.waitlist_entry import WaitlistEntry
from ...types import Response


def _get_kwargs(
    waitlist_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/waitlist/{waitlist_id}".format(
            waitlist_id=quote(str(waitlist_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | WaitlistEntry | None:
    if response.status_code == 200:
        response_200 = WaitlistEntry.from_dict(response.json())

        return response_200

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

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
) -> Response[Error | WaitlistEntry]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    waitlist_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | WaitlistEntry]:
    """Leave the waiting list

    Args:
        waitlist_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | WaitlistEntry]
    """

    kwargs = _get_kwargs(
        waitlist_id=waitlist_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    waitlist_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Error | WaitlistEntry | None:
    """Leave the waiting list

    Args:
        waitlist_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | WaitlistEntry
    """

    return sync_detailed(
        waitlist_id=waitlist_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    waitlist_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | WaitlistEntry]:
    """Leave the waiting list

    Args:
        waitlist_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | WaitlistEntry]
    """

    kwargs = _get_kwargs(
        waitlist_id=waitlist_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    waitlist_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Error | WaitlistEntry | None:
    """Leave the waiting list

    Args:
        waitlist_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | WaitlistEntry
    """

    return (
        await asyncio_detailed(
            waitlist_id=waitlist_id,
            client=client,
        )
    ).parsed
