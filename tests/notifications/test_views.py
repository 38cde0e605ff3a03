from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from notifications.dashboard import cards
from notifications.models import Notification


def _note(user, n, **fields):
    return Notification.objects.create(
        recipient=user, kind="other", object_ref=f"x:{n}", occasion="a", title=f"Thông báo {n}", **fields
    )


def test_my_notifications_lists_only_mine_newest_first(login, cast):
    first, second = _note(cast["hr"], 1), _note(cast["hr"], 2)
    _note(cast["outsider_hr"], 3)
    response = login(cast["hr"]).get(reverse("notifications:list"))
    assert [n.pk for n in response.context["object_list"]] == [second.pk, first.pk]
    assert response.context["unread_count"] == 2
    assert "Thông báo của tôi" in response.content.decode()


def test_unread_filter_and_mark_all_read(login, cast):
    from django.utils import timezone

    _note(cast["hr"], 1, read_at=timezone.now())
    _note(cast["hr"], 2)
    client = login(cast["hr"])
    assert [n.title for n in client.get(reverse("notifications:list"), {"unread": "1"}).context["object_list"]] == [
        "Thông báo 2"
    ]
    response = client.post(reverse("notifications:read-all"), follow=True)
    assert "Đã đánh dấu 1 thông báo là đã đọc." in response.content.decode()
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_opening_a_notification_marks_it_read_and_follows_its_link(login, cast):
    note = _note(cast["hr"], 1, url="/staff/people/")
    response = login(cast["hr"]).post(reverse("notifications:open", args=[note.pk]))
    note.refresh_from_db()
    assert (response.status_code, response["Location"], note.read_at is not None) == (302, "/staff/people/", True)


def test_a_link_to_another_site_is_not_followed(login, cast):
    note = _note(cast["hr"], 1, url="https://evil.example/")
    response = login(cast["hr"]).post(reverse("notifications:open", args=[note.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_someone_elses_notification_is_not_found(login, cast):
    note = _note(cast["outsider_hr"], 1)
    assert login(cast["hr"]).post(reverse("notifications:open", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_dashboard_card_counts_unread(cast):
    _note(cast["member"], 1)
    _note(cast["member"], 2)
    assert [(c["title"], c["value"], c["url"]) for c in cards(cast["member"])] == [
        ("Thông báo của tôi", 2, "/notifications/?unread=1")
    ]
    assert cards(cast["nobody"]) == []


def test_dashboard_shows_the_card(login, cast):
    _note(cast["member"], 1)
    response = login(cast["member"]).get(reverse("dashboard"))
    assert "Thông báo của tôi" in response.content.decode()


def test_send_reminders_command_queues_the_job(cast, django_capture_on_commit_callbacks, capsys):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.queue_name) == ("notifications.tasks.send_reminders", "default")
    assert f"queued send_reminders {task.id}" in capsys.readouterr().out


def test_send_reminders_now_runs_here(cast, capsys):
    call_command("send_reminders", "--now")
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "class_sessions: 0",
        "enrollment_changes: 0",
        "corrective_actions: 0",
        "assignments_due: 0",
        "assessment_deadlines: 0",
        "emails_retried: 0",
    ]


def test_my_notifications_costs_the_same_queries_for_5_or_25_rows(login, cast, django_assert_num_queries):
    client = login(cast["hr"])
    for size in (5, 25):
        Notification.objects.all().delete()
        Notification.objects.bulk_create(
            Notification(recipient=cast["hr"], kind="other", object_ref=f"x:{i}", occasion="a", title=f"T{i}")
            for i in range(size)
        )
        client.get(reverse("notifications:list"))
        with django_assert_num_queries(6):  # session, user, grants, unread count, page count, page
            response = client.get(reverse("notifications:list"), {"page_size": size})
        assert len(response.context["object_list"]) == size
