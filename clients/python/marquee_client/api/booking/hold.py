from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.hold_best_available import HoldBestAvailable
from ...models.hold_response import HoldResponse
from ...models.hold_seats import HoldSeats
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: HoldBestAvailable | HoldSeats,
    x_admission_token: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_admission_token, Unset):
        headers["X-Admission-Token"] = x_admission_token

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/bookings/hold",
    }

    if isinstance(body, HoldSeats):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | HoldResponse | None:
    if response.status_code == 201:
        response_201 = HoldResponse.from_dict(response.json())

        return response_201

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

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
) -> Response[Error | HoldResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: HoldBestAvailable | HoldSeats,
    x_admission_token: None | str | Unset = UNSET,
) -> Response[Error | HoldResponse]:
    """Hold seats for a session

    Args:
        x_admission_token (None | str | Unset):
        body (HoldBestAvailable | HoldSeats): Either seatIds (these seats) or bestAvailable (the
            best n seats, booking/smart.py), never both.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | HoldResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        x_admission_token=x_admission_token,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: HoldBestAvailable | HoldSeats,
    x_admission_token: None | str | Unset = UNSET,
) -> Error | HoldResponse | None:
    """Hold seats for a session

    Args:
        x_admission_token (None | str | Unset):
        body (HoldBestAvailable | HoldSeats): Either seatIds (these seats) or bestAvailable (the
            best n seats, booking/smart.py), never both.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | HoldResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        x_admission_token=x_admission_token,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: HoldBestAvailable | HoldSeats,
    x_admission_token: None | str | Unset = UNSET,
) -> Response[Error | HoldResponse]:
    """Hold seats for a session

    Args:
        x_admission_token (None | str | Unset):
        body (HoldBestAvailable | HoldSeats): Either seatIds (these seats) or bestAvailable (the
            best n seats, booking/smart.py), never both.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | HoldResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        x_admission_token=x_admission_token,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: HoldBestAvailable | HoldSeats,
    x_admission_token: None | str | Unset = UNSET,
) -> Error | HoldResponse | None:
    """Hold seats for a session

    Args:
        x_admission_token (None | str | Unset):
        body (HoldBestAvailable | HoldSeats): Either seatIds (these seats) or bestAvailable (the
            best n seats, booking/smart.py), never both.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | HoldResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_admission_token=x_admission_token,
        )
    ).parsed
