"""booking.services as the site's pages call them (Channel.PAGE), for the tests that do not
test the channel itself: `on_page.book(user, space_id, start, end, now=NOW)`."""

from functools import partial

from maillage.booking import services
from maillage.booking.models import Channel

book = partial(services.book, channel=Channel.PAGE)
book_series = partial(services.book_series, channel=Channel.PAGE)
cancel = partial(services.cancel, channel=Channel.PAGE)
cancel_series = partial(services.cancel_series, channel=Channel.PAGE)
confirm = partial(services.confirm, channel=Channel.PAGE)
refuse = partial(services.refuse, channel=Channel.PAGE)
check_in = partial(services.check_in, channel=Channel.PAGE)
mark_no_show = partial(services.mark_no_show, channel=Channel.PAGE)
