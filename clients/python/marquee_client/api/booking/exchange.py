from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.exchange_best import ExchangeBest
from ...models.exchange_pending_response import ExchangePendingResponse
from ...models.exchange_response import ExchangeResponse
from ...models.exchange_seats import ExchangeSeats
from ...types import Response


def _get_kwargs(
    booking_id: UUID,
    *,
    body: ExchangeBest | ExchangeSeats,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/bookings/{booking_id}/exchange".format(
            booking_id=quote(str(booking_id), safe=""),
        ),
    }

    if isinstance(body, ExchangeSeats):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | ExchangePendingResponse | ExchangeResponse | None:
    if response.status_code == 200:
        response_200 = ExchangeResponse.from_dict(response.json())

        return response_200

    if response.status_code == 202:
        response_202 = ExchangePendingResponse.from_dict(response.json())

        return response_202

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Error.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | ExchangePendingResponse | ExchangeResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    booking_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: ExchangeBest | ExchangeSeats,
) -> Response[Error | ExchangePendingResponse | ExchangeResponse]:
    """Change seats or showtime of a booking (Idempotency-Key supported): 200 done (a cheaper exchange is
    refunded); 202 PENDING_PAYMENT when it costs more

    Args:
        booking_id (UUID):
        body (ExchangeBest | ExchangeSeats): The same or another showtime of the booking's cinema,
            and either seatIds or bestAvailable.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ExchangePendingResponse | ExchangeResponse]
    """

    kwargs = _get_kwargs(
        booking_id=booking_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    booking_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: ExchangeBest | ExchangeSeats,
) -> Error | ExchangePendingResponse | ExchangeResponse | None:
    """Change seats or showtime of a booking (Idempotency-Key supported): 200 done (a cheaper exchange is
    refunded); 202 PENDING_PAYMENT when it costs more

    Args:
        booking_id (UUID):
        body (ExchangeBest | ExchangeSeats): The same or another showtime of the booking's cinema,
            and either seatIds or bestAvailable.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ExchangePendingResponse | ExchangeResponse
    """

    return sync_detailed(
        booking_id=booking_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    booking_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: ExchangeBest | ExchangeSeats,
) -> Response[Error | ExchangePendingResponse | ExchangeResponse]:
    """Change seats or showtime of a booking (Idempotency-Key supported): 200 done (a cheaper exchange is
    refunded); 202 PENDING_PAYMENT when it costs more

    Args:
        booking_id (UUID):
        body (ExchangeBest | ExchangeSeats): The same or another showtime of the booking's cinema,
            and either seatIds or bestAvailable.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ExchangePendingResponse | ExchangeResponse]
    """

    kwargs = _get_kwargs(
        booking_id=booking_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    booking_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: ExchangeBest | ExchangeSeats,
) -> Error | ExchangePendingResponse | ExchangeResponse | None:
    """Change seats or showtime of a booking (Idempotency-Key supported): 200 done (a cheaper exchange is
    refunded); 202 PENDING_PAYMENT when it costs more

    Args:
        booking_id (UUID):
        body (ExchangeBest | ExchangeSeats): The same or another showtime of the booking's cinema,
            and either seatIds or bestAvailable.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ExchangePendingResponse | ExchangeResponse
    """

    return (
        await asyncio_detailed(
            booking_id=booking_id,
            client=client,
            body=body,
        )
    ).parsed
