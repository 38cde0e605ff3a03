"""The page the service worker shows for any app page opened without network, and the links from sent
outbox items to the records on the server."""

import json
import re

from django.urls import reverse

from offline import shell


def test_the_no_network_page_is_public_and_links_what_works_offline(client):
    response = client.get(reverse("offline:unavailable"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Không có mạng</h1>" in html
    links = re.findall(r'<a class="button" href="([^"]+)">([^<]+)</a>', html)
    assert links == [
        ("/offline/", "Làm việc ngoại tuyến"),
        ("/offline/assignments/", "Phiếu kiểm tra cần điền"),
        ("/offline/classes/", "Lớp của tôi"),
        ("/offline/outbox/", "Chờ đồng bộ"),
    ]
    assert "<script" not in html  # one kept copy for everyone: no data, no script


def test_the_worker_keeps_the_no_network_page_and_serves_it_for_other_pages():
    config = shell.worker_config()
    assert config["unavailable"] == "/offline/unavailable/"
    source = shell.worker_script()
    assert "cache.addAll([...SHELL.assets, SHELL.unavailable])" in source
    assert 'request.mode === "navigate" && !url.pathname.startsWith("/admin/")' in source


def test_offline_pages_know_where_sent_records_live(login, cast):
    html = login(cast["inspector"]).get(reverse("offline:outbox")).content.decode()
    config = json.loads(re.search(r'data-config="([^"]+)"', html).group(1).replace("&quot;", '"'))
    assert config["records"] == {"inspection": "/inspections/{id}/", "class": "/training/classes/{id}/"}
