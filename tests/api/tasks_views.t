#!/usr/bin/perl
# The views in the user's time zone: today (due before the local day ends,
# overdue first), upcoming (from the local day's start through the next 7
# local days), overdue (due before now); never completed tasks; combined
# with other filters; bad views refused.  And the profile's timeZone:
# registered, read, changed, checked against the zone database.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use POSIX ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiTest qw(:all);
use ApiCalls qw(:all);

# the local midnight that begins the day DAYS after NOW's local day
sub day_start {
    my ($zone, $now, $days) = @_;
    local $ENV{TZ} = $zone;
    POSIX::tzset();
    my @l = localtime $now;
    my $t = POSIX::mktime(0, 0, 0, $l[3] + $days, $l[4], $l[5], 0, 0, -1);
    return $t;
}
END { POSIX::tzset() }

sub iso { POSIX::strftime('%Y-%m-%dT%H:%M:%SZ', gmtime $_[0]) }

# a zone whose local day is at least 3 hours from either end now
my $now = time;
my ($zone) = grep { day_start($_, $now, 1) - $now > 3 * 3600 && $now - day_start($_, $now, 0) > 3 * 3600 }
             qw(Pacific/Kiritimati Asia/Tokyo Europe/Berlin America/New_York Pacific/Pago_Pago);
POSIX::tzset();
note "zone: $zone";

# ---- the profile's time zone
{
    my $r = register_user(tag => 'tz-default');
    is $r->{user}{timeZone}, 'UTC', 'registered without one: UTC';
    $r = register_user(tag => 'tz-bad', timeZone => 'Mars/Olympus_Mons');
    error_ok($r->{r}, 400, 'invalid_field', 'timeZone', 'registered with an unknown zone: 400 (timeZone)');
    for my $bad ('europe/berlin', '', '../../etc/passwd', 5) {
        my $x = register_user(tag => 'tz-bad', timeZone => $bad, phoneNumber => undef);
        is $x->{r}{status}, 400, 'timeZone ' . ($bad // 'null') . ': 400';
    }
}
my $reg = register_user(tag => 'views', timeZone => $zone);
is $reg->{r}{status}, 201, "registered in $zone" or diag $reg->{r}{raw};
is $reg->{user}{timeZone}, $zone, 'the zone in the reply';
my $A = { token => $reg->{access}, uid => $reg->{user}{id} };
is as($A, GET => '/api/users/me')->{json}{user}{timeZone}, $zone, 'and in GET /me';

my $today = day_start($zone, $now, 0);
my $tomorrow = day_start($zone, $now, 1);
my %due = (
    'yesterday'        => $today - 3600,
    'an hour ago'      => $now - 3600,
    'later today'      => $tomorrow - 3600,
    'tomorrow'         => $tomorrow + 3600,
    'in six days'      => day_start($zone, $now, 6) + 3600,
    'in eight days'    => day_start($zone, $now, 8) + 3600,
);
for my $t (sort keys %due) {
    my $r = as($A, POST => '/api/tasks', { title => $t, dueDate => iso($due{$t}) });
    is $r->{status}, 201, "a task due $t" or diag $r->{raw};
}
as($A, POST => '/api/tasks', { title => 'done an hour ago', dueDate => iso($now - 3600), status => 'completed' });
as($A, POST => '/api/tasks', { title => 'undated' });
as($A, POST => '/api/tasks', { title => 'work today', dueDate => iso($tomorrow - 7200), priority => 1 });

sub view {
    my ($q) = @_;
    my $r = as($A, GET => "/api/tasks?$q");
    return "status $r->{status}: $r->{raw}" if $r->{status} != 200;
    return join ' | ', map { $_->{title} } @{ $r->{json}{items} };
}

is view('view=today'), 'yesterday | an hour ago | work today | later today',
   'today: overdue first, then by due date; nothing completed, undated or later';
is view('view=overdue'), 'yesterday | an hour ago', 'overdue: due before now';
is view('view=upcoming'), 'an hour ago | work today | later today | tomorrow | in six days',
   'upcoming: from the start of today through the next 7 local days';
is view('view=today&priority=1'), 'work today', 'with priority=';
is view('view=today&limit=1'), 'yesterday', 'paged';
is view('view=today&sort=due'), view('view=today'), 'sort=due is its order';

# another zone: another day
{
    my $other = $zone eq 'Pacific/Kiritimati' ? 'Pacific/Pago_Pago' : 'Pacific/Kiritimati';
    my $p = as($A, PATCH => '/api/users/me', { timeZone => $other });
    is $p->{status}, 200, "timeZone changed to $other" or diag $p->{raw};
    is $p->{json}{user}{timeZone}, $other, 'in the reply';
    my $ts = day_start($other, $now, 0);
    my $te = day_start($other, $now, 1);
    my @want = map { $_->[0] } sort { $a->[1] <=> $b->[1] }
               grep { $_->[1] < $te } map { [$_, $due{$_}] } keys %due;
    push @want, 'work today' if $tomorrow - 7200 < $te;
    my %d = (%due, 'work today' => $tomorrow - 7200);
    @want = sort { $d{$a} <=> $d{$b} } @want;
    is view('view=today'), join(' | ', @want), "today in $other";
    error_ok(as($A, PATCH => '/api/users/me', { timeZone => 'Europe/Nowhere' }), 400, 'invalid_field', 'timeZone',
             'PATCH an unknown zone: 400 (timeZone)');
    is as($A, GET => '/api/users/me')->{json}{user}{timeZone}, $other, 'unchanged';
}

# bad views
for my $q ('view=tomorrow', 'view=', 'view=Today', 'view=today&view=today',
           'view=today&dueFrom=2030-01-01T00:00:00Z', 'view=upcoming&dueTo=2030-01-01T00:00:00Z',
           'view=today&sort=updated', 'view=overdue&completed=true') {
    error_ok(as($A, GET => "/api/tasks?$q"), 400, 'invalid_parameter', 'view', "GET /api/tasks?$q: 400 (view)");
}

done_testing;
