"""A starting point for each of the admin's templates (the Messages page's "Start from the example",
and the README's)."""

EXAMPLES = {
    "subject": (
        '{{ episodes|length }} new episode{{ "s" if episodes|length != 1 }}: '
        '{{ shows|map(attribute="title")|join(", ") }}'
    ),
    "text": """Hello {{ person.name }},

{% for show in shows %}
{{ show.title }}
{% for episode in show.episodes %}
  - {{ episode.code }} {{ episode.title }}{% if episode.aired %} (aired {{ episode.aired }}){% endif %}

{% endfor %}
{% if show.watch_url %}
  Watch now: {{ show.watch_url }}
{% endif %}

{% endfor %}
Manage your notifications: {{ links.manage }}
Unsubscribe: {{ links.unsubscribe }}
""",
    "html": """<!DOCTYPE html>
<html><body style="font-family:sans-serif;background:#ffffff;color:#1d1f24">
<p>Hello {{ person.name }},</p>
{% for show in shows %}
<h2>{{ show.title }}</h2>
{% if show.poster_url %}
<img src="{{ show.poster_url }}" alt="Poster of {{ show.title }}" width="120" height="180">
{% endif %}
<ul>
{% for episode in show.episodes %}
  <li><strong>{{ episode.code }}</strong> {{ episode.title }} <small>{{ episode.aired }}</small></li>
{% endfor %}
</ul>
{% if show.watch_url %}<p><a href="{{ show.watch_url }}">Watch now</a></p>{% endif %}
{% endfor %}
<p><a href="{{ links.manage }}">Manage your notifications</a> ·
<a href="{{ links.unsubscribe }}">Unsubscribe</a></p>
</body></html>
""",
    "markdown": """Hello {{ person.name }}!
{% for show in shows %}

**{{ show.title }}**
{% for episode in show.episodes %}
- {{ episode.code }} {{ episode.title }}
{% endfor %}
{% if show.watch_url %}
[Watch now]({{ show.watch_url }})
{% endif %}
{% endfor %}
""",
}
