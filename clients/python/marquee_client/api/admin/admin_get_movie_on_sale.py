from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.movie_on_sale import MovieOnSale
from ...types import UNSET, Response, Unset


def _get_kwargs(
    movie_id: UUID,
    *,
    cinema_id: None | Unset | UUID = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_cinema_id: None | str | Unset
    if isinstance(cinema_id, Unset):
        json_cinema_id = UNSET
    elif isinstance(cinema_id, UUID):
        json_cinema_id = str(cinema_id)
    else:
        json_cinema_id = cinema_id
    params["cinemaId"] = json_cinema_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/admin/movies/{movie_id}/on-sale".format(
            movie_id=quote(str(movie_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | MovieOnSale | None:
    if response.status_code == 200:
        response_200 = MovieOnSale.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | MovieOnSale]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    movie_id: UUID,
    *,
    client: AuthenticatedClient,
    cinema_id: None | Unset | UUID = UNSET,
) -> Response[Error | MovieOnSale]:
    """The on-sale schedules of a movie's showtimes (showtimes.manage)

    Args:
        movie_id (UUID):
        cinema_id (None | Unset | UUID): only the showtimes of this cinema (an operator scoped to
            some cinemas must name one of them)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MovieOnSale]
    """

    kwargs = _get_kwargs(
        movie_id=movie_id,
        cinema_id=cinema_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    movie_id: UUID,
    *,
    client: AuthenticatedClient,
    cinema_id: None | Unset | UUID = UNSET,
) -> Error | MovieOnSale | None:
    """The on-sale schedules of a movie's showtimes (showtimes.manage)

    Args:
        movie_id (UUID):
        cinema_id (None | Unset | UUID): only the showtimes of this cinema (an operator scoped to
            some cinemas must name one of them)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MovieOnSale
    """

    return sync_detailed(
        movie_id=movie_id,
        client=client,
        cinema_id=cinema_id,
    ).parsed


async def asyncio_detailed(
    movie_id: UUID,
    *,
    client: AuthenticatedClient,
    cinema_id: None | Unset | UUID = UNSET,
) -> Response[Error | MovieOnSale]:
    """The on-sale schedules of a movie's showtimes (showtimes.manage)

    Args:
        movie_id (UUID):
        cinema_id (None | Unset | UUID): only the showtimes of this cinema (an operator scoped to
            some cinemas must name one of them)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MovieOnSale]
    """

    kwargs = _get_kwargs(
        movie_id=movie_id,
        cinema_id=cinema_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    movie_id: UUID,
    *,
    client: AuthenticatedClient,
    cinema_id: None | Unset | UUID = UNSET,
) -> Error | MovieOnSale | None:
    """The on-sale schedules of a movie's showtimes (showtimes.manage)

    Args:
        movie_id (UUID):
        cinema_id (None | Unset | UUID): only the showtimes of this cinema (an operator scoped to
            some cinemas must name one of them)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MovieOnSale
    """

    return (
        await asyncio_detailed(
            movie_id=movie_id,
            client=client,
            cinema_id=cinema_id,
        )
    ).parsed
