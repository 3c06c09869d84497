-- Members' answers to a meet-up, many in one call (src/capabilities/meetups/repository/prisma-meetup.repository.ts).
--
-- Answers to one meet-up queue on its row lock. A lock held across several client round trips capped a busy
-- meet-up at a few dozen answers a second, and even one call per answer spends most of its time handing the
-- lock from one waiting connection to the next. So the repository sends the answers that arrive together
-- for one meet-up as one array, and this function applies them in order under one lock, keeping the counts
-- of confirmed places and waiting members in variables instead of counting per answer.
--
-- It applies exactly the domain's rules (src/capabilities/meetups/domain/meetup.ts): `rsvpClosedReason`
-- (cancelled, started, deadline), `decideSeat` (a new party gets a place when it fits and nobody waits, else
-- the back of the waitlist; a confirmed member keeps the place unless added guests do not fit; a waitlisted
-- member keeps the place in the queue) and `promotable` (the waitlist moves up in order while parties fit;
-- a party that does not fit stops the queue). The meet-ups' tests run these rules on it.
--
-- p_items: [{ "member": uuid, "answer": "going"|"maybe"|"not_going", "guests": int, "platform": text|null,
--   "workspace": text|null, "user": text|null, "at": timestamptz }]. Returns one result per item, in order.
CREATE OR REPLACE FUNCTION meetup_cast_rsvps(p_meetup uuid, p_items jsonb) RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
  m_status "MeetupStatus";
  m_starts timestamptz;
  m_deadline timestamptz;
  m_capacity integer;
  total_places integer;
  total_waiting integer;
  item jsonb;
  results jsonb := '[]'::jsonb;
  p_member uuid;
  p_answer "MeetupAnswer";
  p_at timestamptz;
  party_guests integer;
  has_current boolean;
  cur_seat "MeetupSeat";
  cur_answer "MeetupAnswer";
  cur_guests integer;
  cur_seat_at timestamptz;
  other_places integer;
  other_waiting integer;
  new_seat "MeetupSeat";
  new_seat_at timestamptz;
  fits boolean;
  written meetup_rsvp;
  free integer;
  queued record;
  promoted jsonb;
  own_promoted boolean;
  queue_place integer;
BEGIN
  SELECT status, starts_at, rsvp_deadline, capacity INTO m_status, m_starts, m_deadline, m_capacity
    FROM meetup WHERE id = p_meetup FOR UPDATE;
  IF NOT FOUND THEN
    RETURN (SELECT coalesce(jsonb_agg(jsonb_build_object('status', 'closed', 'reason', 'missing')), '[]'::jsonb) FROM jsonb_array_elements(p_items));
  END IF;
  SELECT coalesce(sum(1 + r.guests) FILTER (WHERE r.seat = 'confirmed'), 0), count(*) FILTER (WHERE r.seat = 'waitlisted')
    INTO total_places, total_waiting
    FROM meetup_rsvp r WHERE r.meetup_id = p_meetup AND r.seat IS NOT NULL;

  FOR item IN SELECT value FROM jsonb_array_elements(p_items) LOOP
    p_member := (item->>'member')::uuid;
    p_answer := (item->>'answer')::"MeetupAnswer";
    p_at := (item->>'at')::timestamptz;
    party_guests := CASE WHEN p_answer = 'going' THEN coalesce((item->>'guests')::integer, 0) ELSE 0 END;

    IF m_status = 'cancelled' THEN
      results := results || jsonb_build_array(jsonb_build_object('status', 'closed', 'reason', 'cancelled'));
      CONTINUE;
    ELSIF p_at >= m_starts THEN
      results := results || jsonb_build_array(jsonb_build_object('status', 'closed', 'reason', 'started'));
      CONTINUE;
    ELSIF m_deadline IS NOT NULL AND p_at >= m_deadline THEN
      results := results || jsonb_build_array(jsonb_build_object('status', 'closed', 'reason', 'deadline'));
      CONTINUE;
    END IF;

    SELECT r.answer, r.seat, r.guests, r.seat_at INTO cur_answer, cur_seat, cur_guests, cur_seat_at
      FROM meetup_rsvp r WHERE r.meetup_id = p_meetup AND r.member_id = p_member;
    has_current := FOUND;
    other_places := total_places - (CASE WHEN has_current AND cur_seat = 'confirmed' THEN 1 + cur_guests ELSE 0 END);
    other_waiting := total_waiting - (CASE WHEN has_current AND cur_seat = 'waitlisted' THEN 1 ELSE 0 END);

    IF p_answer <> 'going' THEN
      new_seat := NULL;
      new_seat_at := NULL;
    ELSE
      fits := m_capacity IS NULL OR other_places + 1 + party_guests <= m_capacity;
      IF has_current AND cur_seat = 'confirmed' THEN
        IF NOT fits THEN
          results := results || jsonb_build_array(jsonb_build_object('status', 'no-room-for-guests', 'free', greatest(0, m_capacity - other_places - 1 - cur_guests)));
          CONTINUE;
        END IF;
        new_seat := 'confirmed';
        new_seat_at := coalesce(cur_seat_at, p_at);
      ELSIF has_current AND cur_seat = 'waitlisted' THEN
        new_seat := 'waitlisted';
        new_seat_at := coalesce(cur_seat_at, p_at);
      ELSIF m_capacity IS NULL OR (fits AND other_waiting = 0) THEN
        new_seat := 'confirmed';
        new_seat_at := p_at;
      ELSE
        new_seat := 'waitlisted';
        new_seat_at := p_at;
      END IF;
    END IF;

    INSERT INTO meetup_rsvp (id, meetup_id, member_id, answer, seat, guests, seat_at, platform, workspace_external_id, platform_user_id, created_at, updated_at)
    VALUES (gen_random_uuid(), p_meetup, p_member, p_answer, new_seat, party_guests, new_seat_at,
            (item->>'platform')::"Platform", item->>'workspace', item->>'user', p_at, p_at)
    ON CONFLICT (meetup_id, member_id) DO UPDATE SET
      answer = EXCLUDED.answer, seat = EXCLUDED.seat, guests = EXCLUDED.guests, seat_at = EXCLUDED.seat_at,
      platform = coalesce(EXCLUDED.platform, meetup_rsvp.platform),
      workspace_external_id = coalesce(EXCLUDED.workspace_external_id, meetup_rsvp.workspace_external_id),
      platform_user_id = coalesce(EXCLUDED.platform_user_id, meetup_rsvp.platform_user_id),
      updated_at = EXCLUDED.updated_at
    RETURNING * INTO written;
    total_places := other_places + (CASE WHEN new_seat = 'confirmed' THEN 1 + party_guests ELSE 0 END);
    total_waiting := other_waiting + (CASE WHEN new_seat = 'waitlisted' THEN 1 ELSE 0 END);

    -- The waitlist moves up while the head's party fits in the places left.
    promoted := '[]'::jsonb;
    own_promoted := false;
    free := CASE WHEN m_capacity IS NULL THEN 2147483647 ELSE m_capacity - total_places END;
    IF total_waiting > 0 AND free > 0 THEN
      FOR queued IN
        SELECT r.member_id, r.guests FROM meetup_rsvp r WHERE r.meetup_id = p_meetup AND r.seat = 'waitlisted' ORDER BY r.seat_at, r.member_id
      LOOP
        EXIT WHEN 1 + queued.guests > free;
        UPDATE meetup_rsvp SET seat = 'confirmed', seat_at = p_at, updated_at = p_at WHERE meetup_id = p_meetup AND member_id = queued.member_id;
        free := free - 1 - queued.guests;
        total_places := total_places + 1 + queued.guests;
        total_waiting := total_waiting - 1;
        IF queued.member_id = p_member THEN
          own_promoted := true;
        ELSE
          promoted := promoted || jsonb_build_array(jsonb_build_object('member_id', queued.member_id, 'guests', queued.guests));
        END IF;
      END LOOP;
    END IF;
    queue_place := NULL;
    IF own_promoted THEN
      written.seat := 'confirmed';
      written.seat_at := p_at;
    ELSIF written.seat = 'waitlisted' THEN
      SELECT count(*) + 1 INTO queue_place FROM meetup_rsvp r
       WHERE r.meetup_id = p_meetup AND r.seat = 'waitlisted' AND (r.seat_at, r.member_id) < (written.seat_at, written.member_id);
    END IF;

    results := results || jsonb_build_array(jsonb_build_object(
      'status', 'recorded',
      'rsvp', to_jsonb(written),
      'previous', CASE WHEN has_current THEN jsonb_build_object('answer', cur_answer, 'seat', cur_seat, 'guests', cur_guests) ELSE NULL END,
      'promoted', promoted,
      'position', queue_place
    ));
  END LOOP;
  RETURN results;
END;
$$;
