-- Smart seating (docs/smart-seating.md): best-available holds and holds through a sales channel.

-- name: hold_best_available
SELECT hold_id, expires_at, total_amount, currency, seats
  FROM booking.hold_best_available(%(showtime_id)s, %(session_token)s, %(quantity)s, %(types)s::text[],
                                   %(together)s, %(accessible)s, %(channel)s);

-- name: hold_via_channel
SELECT hold_id, expires_at, total_amount, currency, seats
  FROM booking.hold(%(showtime_id)s, %(seat_ids)s, %(session_token)s, NULL, %(channel)s);

-- name: seat_features
SELECT coalesce(jsonb_agg(jsonb_build_object(
           'id', f.seat_id, 'companionOf', f.companion_of, 'companionSeatIds', f.companion_seat_ids,
           'heldBackUntil', f.held_back_until, 'channel', f.channel, 'channelUntil', f.channel_until,
           'reservedForOtherChannel', f.reserved_for_other_channel)), '[]')::text
  FROM booking.seat_features(%(showtime_id)s, %(channel)s) f
 WHERE f.companion_of IS NOT NULL OR f.companion_seat_ids IS NOT NULL OR f.channel IS NOT NULL;

-- name: seat_history
SELECT coalesce(jsonb_agg(jsonb_build_object(
           'at', h.at, 'seatId', h.seat_id, 'from', h.from_status, 'to', h.to_status, 'actorKind', h.actor_kind,
           'actor', h.actor, 'holdId', h.hold_id, 'bookingReference', h.booking_reference, 'reason', h.reason)), '[]')::text
  FROM booking.showtime_seat_history(%(showtime_id)s, %(seat_id)s, %(since)s, %(limit)s) h;

-- name: set_lone_seat_rule
SELECT booking.set_lone_seat_rule(%(showtime_id)s, %(enabled)s, %(actor)s);

-- name: allocate_channel_seats
SELECT booking.allocate_channel_seats(%(showtime_id)s, %(seat_ids)s, %(channel)s, %(release_at)s, %(actor)s);

-- name: release_channel_seats
SELECT booking.release_channel_seats(%(showtime_id)s, %(channel)s, %(seat_ids)s, %(actor)s);

-- name: link_companion_seats
SELECT booking.link_companion_seats(%(auditorium_id)s, %(wheelchair_seat_id)s, %(companion_seat_ids)s, %(actor)s);

-- name: set_focal_point
SELECT booking.set_focal_point(%(auditorium_id)s, %(x)s, %(y)s, %(actor)s);
