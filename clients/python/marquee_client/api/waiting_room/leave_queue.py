from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.queue_entry import QueueEntry
from ...types import UNSET, Response, Unset


def _get_kwargs(
    queue_id: UUID,
    *,
    x_session_token: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_session_token, Unset):
        headers["X-Session-Token"] = x_session_token

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/queue/{queue_id}".format(
            queue_id=quote(str(queue_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | QueueEntry | None:
    if response.status_code == 200:
        response_200 = QueueEntry.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | QueueEntry]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    queue_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    x_session_token: None | str | Unset = UNSET,
) -> Response[Error | QueueEntry]:
    """Leave the waiting room (X-Session-Token): the place goes to the next

    Args:
        queue_id (UUID):
        x_session_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | QueueEntry]
    """

    kwargs = _get_kwargs(
        queue_id=queue_id,
        x_session_token=x_session_token,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    queue_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    x_session_token: None | str | Unset = UNSET,
) -> Error | QueueEntry | None:
    """Leave the waiting room (X-Session-Token): the place goes to the next

    Args:
        queue_id (UUID):
        x_session_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | QueueEntry
    """

    return sync_detailed(
        queue_id=queue_id,
        client=client,
        x_session_token=x_session_token,
    ).parsed


async def asyncio_detailed(
    queue_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    x_session_token: None | str | Unset = UNSET,
) -> Response[Error | QueueEntry]:
    """Leave the waiting room (X-Session-Token): the place goes to the next

    Args:
        queue_id (UUID):
        x_session_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | QueueEntry]
    """

    kwargs = _get_kwargs(
        queue_id=queue_id,
        x_session_token=x_session_token,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    queue_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    x_session_token: None | str | Unset = UNSET,
) -> Error | QueueEntry | None:
    """Leave the waiting room (X-Session-Token): the place goes to the next

    Args:
        queue_id (UUID):
        x_session_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | QueueEntry
    """

    return (
        await asyncio_detailed(
            queue_id=queue_id,
            client=client,
            x_session_token=x_session_token,
        )
    ).parsed
