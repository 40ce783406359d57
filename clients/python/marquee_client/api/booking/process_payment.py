from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.payment_pending_response import PaymentPendingResponse
from ...models.payment_request import PaymentRequest
from ...models.payment_response import PaymentResponse
from ...types import Response


def _get_kwargs(
    *,
    body: PaymentRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/payments/process",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PaymentPendingResponse | PaymentResponse | None:
    if response.status_code == 200:
        response_200 = PaymentResponse.from_dict(response.json())

        return response_200

    if response.status_code == 202:
        response_202 = PaymentPendingResponse.from_dict(response.json())

        return response_202

    if response.status_code == 402:
        response_402 = Error.from_dict(response.json())

        return response_402

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if response.status_code == 410:
        response_410 = Error.from_dict(response.json())

        return response_410

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
) -> Response[Error | PaymentPendingResponse | PaymentResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PaymentRequest,
) -> Response[Error | PaymentPendingResponse | PaymentResponse]:
    """Pay a booking (Idempotency-Key supported): 200 CONFIRMED; 202 REQUIRES_ACTION (3-D Secure) or
    PROCESSING (settles later, seats kept); 402 PAYMENT_DECLINED keeps it waiting

    Args:
        body (PaymentRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaymentPendingResponse | PaymentResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: PaymentRequest,
) -> Error | PaymentPendingResponse | PaymentResponse | None:
    """Pay a booking (Idempotency-Key supported): 200 CONFIRMED; 202 REQUIRES_ACTION (3-D Secure) or
    PROCESSING (settles later, seats kept); 402 PAYMENT_DECLINED keeps it waiting

    Args:
        body (PaymentRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaymentPendingResponse | PaymentResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PaymentRequest,
) -> Response[Error | PaymentPendingResponse | PaymentResponse]:
    """Pay a booking (Idempotency-Key supported): 200 CONFIRMED; 202 REQUIRES_ACTION (3-D Secure) or
    PROCESSING (settles later, seats kept); 402 PAYMENT_DECLINED keeps it waiting

    Args:
        body (PaymentRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaymentPendingResponse | PaymentResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: PaymentRequest,
) -> Error | PaymentPendingResponse | PaymentResponse | None:
    """Pay a booking (Idempotency-Key supported): 200 CONFIRMED; 202 REQUIRES_ACTION (3-D Secure) or
    PROCESSING (settles later, seats kept); 402 PAYMENT_DECLINED keeps it waiting

    Args:
        body (PaymentRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaymentPendingResponse | PaymentResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
