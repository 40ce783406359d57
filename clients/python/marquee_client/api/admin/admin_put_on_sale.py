from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.on_sale import OnSale
from ...models.on_sale_in import OnSaleIn
from ...types import Response


def _get_kwargs(
    showtime_id: UUID,
    *,
    body: OnSaleIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/admin/showtimes/{showtime_id}/on-sale".format(
            showtime_id=quote(str(showtime_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | OnSale | None:
    if response.status_code == 200:
        response_200 = OnSale.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | OnSale]:
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
    body: OnSaleIn,
) -> Response[Error | OnSale]:
    """Schedule the on-sale of a showtime, with or without a waiting room (showtimes.manage)

    Args:
        showtime_id (UUID):
        body (OnSaleIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OnSale]
    """

    kwargs = _get_kwargs(
        showtime_id=showtime_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    showtime_id: UUID,
    *,
    client: AuthenticatedClient,
    body: OnSaleIn,
) -> Error | OnSale | None:
    """Schedule the on-sale of a showtime, with or without a waiting room (showtimes.manage)

    Args:
        showtime_id (UUID):
        body (OnSaleIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OnSale
    """

    return sync_detailed(
        showtime_id=showtime_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    showtime_id: UUID,
    *,
    client: AuthenticatedClient,
    body: OnSaleIn,
) -> Response[Error | OnSale]:
    """Schedule the on-sale of a showtime, with or without a waiting room (showtimes.manage)

    Args:
        showtime_id (UUID):
        body (OnSaleIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OnSale]
    """

    kwargs = _get_kwargs(
        showtime_id=showtime_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    showtime_id: UUID,
    *,
    client: AuthenticatedClient,
    body: OnSaleIn,
) -> Error | OnSale | None:
    """Schedule the on-sale of a showtime, with or without a waiting room (showtimes.manage)

    Args:
        showtime_id (UUID):
        body (OnSaleIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OnSale
    """

    return (
        await asyncio_detailed(
            showtime_id=showtime_id,
            client=client,
            body=body,
        )
    ).parsed
