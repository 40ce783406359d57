from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.release_response import ReleaseResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    hold_id: UUID,
    *,
    x_session_token: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_session_token, Unset):
        headers["X-Session-Token"] = x_session_token

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/bookings/hold/{hold_id}".format(
            hold_id=quote(str(hold_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | ReleaseResponse | None:
    if response.status_code == 200:
        response_200 = ReleaseResponse.from_dict(response.json())

        return response_200

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

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
) -> Response[Error | ReleaseResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    hold_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    x_session_token: None | str | Unset = UNSET,
) -> Response[Error | ReleaseResponse]:
    """Release a hold (X-Session-Token required)

    Args:
        hold_id (UUID):
        x_session_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ReleaseResponse]
    """

    kwargs = _get_kwargs(
        hold_id=hold_id,
        x_session_token=x_session_token,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    hold_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    x_session_token: None | str | Unset = UNSET,
) -> Error | ReleaseResponse | None:
    """Release a hold (X-Session-Token required)

    Args:
        hold_id (UUID):
        x_session_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ReleaseResponse
    """

    return sync_detailed(
        hold_id=hold_id,
        client=client,
        x_session_token=x_session_token,
    ).parsed


async def asyncio_detailed(
    hold_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    x_session_token: None | str | Unset = UNSET,
) -> Response[Error | ReleaseResponse]:
    """Release a hold (X-Session-Token required)

    Args:
        hold_id (UUID):
        x_session_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ReleaseResponse]
    """

    kwargs = _get_kwargs(
        hold_id=hold_id,
        x_session_token=x_session_token,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    hold_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    x_session_token: None | str | Unset = UNSET,
) -> Error | ReleaseResponse | None:
    """Release a hold (X-Session-Token required)

    Args:
        hold_id (UUID):
        x_session_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ReleaseResponse
    """

    return (
        await asyncio_detailed(
            hold_id=hold_id,
            client=client,
            x_session_token=x_session_token,
        )
    ).parsed
