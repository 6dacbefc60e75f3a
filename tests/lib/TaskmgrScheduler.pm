package TaskmgrScheduler;

# Helpers for the scheduler tests (tests/scheduler/*.t, run by
# tests/scheduler/run.sh against a stack without the scheduler daemon):
# run taskmgr-scheduler (--once, or as a daemon), write items straight into
# dynalite with the module's shapes, read notifications, maildev's mail and
# the SMS outbox file.  Core Perl + TaskmgrStack.
#
#   my $r = run_once(now => iso(time + 60));    # {rc, lines => [{...}], err}
#   my @n = notifs($uid);                        # the user's NOTIF_ items
#   my @m = mails();                             # maildev's GET /api/email

use strict;
use warnings;

use Exporter 'import';
use File::Spec ();
use File::Temp ();
use HTTP::Tiny;
use IPC::Open3 ();
use JSON::PP ();
use POSIX ();
use Symbol ();
use Time::HiRes ();

use TaskmgrStack qw(:all);

our @EXPORT_OK = qw(
    iso iso_ms conf_with run_once start_daemon stop_daemon daemon_lines
    reminder_key outbox_shard put_user put_task put_tasks task_item
    reminders_of duration_s arm_digest set_user
    notifs notif_count mails clear_mails sms_lines register_with_prefs
    new_uuid ddb_ok unique_phone free_port start_proxy stop_pid
    private_stack wait_until iso_epoch
);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

my $JSON = JSON::PP->new->utf8->canonical;
my $http = HTTP::Tiny->new(timeout => 15);
my $TRUE = JSON::PP::true();

sub TABLE { stack_env('TASKMGR_TABLE') }


# "2026-11-25T17:00:00Z" (and with milliseconds: iso_ms)
sub iso {
    my ($t) = @_;
    return POSIX::strftime('%Y-%m-%dT%H:%M:%SZ', gmtime int $t);
}

sub iso_ms {
    my ($t) = @_;
    return POSIX::strftime('%Y-%m-%dT%H:%M:%S', gmtime int $t)
        . sprintf('.%03dZ', int(($t - int $t) * 1000));
}


# epoch seconds (with the fraction) of "2026-11-25T17:00:00.123Z"; undef
# if it is not one
sub iso_epoch {
    my ($iso) = @_;
    require Time::Local;
    my @f = ($iso // '') =~ /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?Z$/
        or return undef;
    return Time::Local::timegm($f[5], $f[4], $f[3], $f[2], $f[1] - 1, $f[0]) + ($f[6] // 0);
}


# true once $cond is, false if it is not within $secs
sub wait_until {
    my ($secs, $cond, $every) = @_;
    my $deadline = Time::HiRes::time() + $secs;
    until ($cond->()) {
        return 0 if Time::HiRes::time() > $deadline;
        Time::HiRes::sleep($every // 0.05);
    }
    return 1;
}


# FNV-1a as common/tm_task.c's tm_shard (checked against the module's own
# key in due_pass.t)
sub _shard {
    my ($id, $shards) = @_;
    my $h = 2166136261;
    for my $c (unpack 'C*', $id) {
        $h = (($h ^ $c) * 16777619) % 4294967296;
    }
    return $h % $shards;
}

# ReminderKey of a time (a FireAt, a digest time) and a task id or sub, as
# common/tm_reminder.c's tm_reminder_key
sub reminder_key {
    my ($at, $id, $shards) = @_;
    return substr($at, 0, 10) . '#REMIND#' . _shard($id, $shards // 8);
}


# seconds of an ISO 8601 duration as reminders take them (P1W, P1DT2H,
# PT15M, PT0S)
sub duration_s {
    my ($d) = @_;
    my ($w, $day, $h, $m, $sec) = $d =~ /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/
        or die "not a duration: $d\n";
    return (($w // 0) * 7 + ($day // 0)) * 86400 + ($h // 0) * 3600 + ($m // 0) * 60 + ($sec // 0);
}

sub outbox_shard {
    my ($id, $shards) = @_;
    return 'OUTBOX#' . _shard($id, $shards // 8);
}


sub new_uuid {
    my @b = map { int rand 256 } 1 .. 16;
    $b[6] = ($b[6] & 0x0f) | 0x40;
    $b[8] = ($b[8] & 0x3f) | 0x80;
    my $h = join '', map { sprintf '%02x', $_ } @b;
    return join '-', substr($h, 0, 8), substr($h, 8, 4), substr($h, 12, 4),
        substr($h, 16, 4), substr($h, 20);
}


# an E.164 number not used before in this stack (pid, time, a counter)
my $phone_seq = 0;
sub unique_phone {
    return sprintf '+1%03d%07d', 200 + $$ % 800, (time * 10 + ++$phone_seq) % 10_000_000;
}


sub ddb_ok {
    my ($op, $body) = @_;
    my $r = dynamodb($op => $body);
    die "$op failed: $r->{status} $r->{raw}\n" unless $r->{status} == 200;
    return $r->{json};
}


# A user item as the users service writes it (phone => a verified number;
# phone_verified => 0: not verified).  prefs => {email, sms,
# completedEmail, completedSms}, quiet => ['22:00', '07:00'], digest =>
# {time => '07:30', armed => <RFC 3339>} (on, armed as the module does
# when it is turned on: ReminderAt = DigestArmedAt = armed, default now)
sub put_user {
    my (%u) = @_;
    my $sub = $u{sub} // new_uuid();
    my %prefs = map { $_ => { BOOL => $u{prefs}{$_} ? $TRUE : JSON::PP::false() } }
        qw(email sms), grep { exists $u{prefs}{$_} } qw(completedEmail completedSms);
    my %item = (
        EntityPartition => { S => "USER_$sub" },
        EntitySort      => { S => "USER_$sub" },
        Email           => { S => $u{email} // "u-$sub\@example.com" },
        FirstName       => { S => $u{first_name} // 'Test' },
        LastName        => { S => 'User' },
        NotificationPreferences => { M => \%prefs },
        CreatedAt => { S => iso(time) },
        UpdatedAt => { S => iso(time) },
    );
    $item{PhoneNumber} = { S => $u{phone} } if defined $u{phone};
    # a number is verified (SMS go to no other) unless phone_verified => 0
    $item{PhoneVerified} = { BOOL => $TRUE }
        if defined $u{phone} && ($u{phone_verified} // 1);
    $item{UserTimeZone} = { S => $u{time_zone} } if defined $u{time_zone};
    $item{QuietHours} = { M => { Start => { S => $u{quiet}[0] }, End => { S => $u{quiet}[1] } } }
        if $u{quiet};
    if ($u{digest}) {
        my $armed = $u{digest}{armed} // iso(time);
        $item{Digest} = { M => { Enabled => { BOOL => $TRUE }, Time => { S => $u{digest}{time} // '07:30' } } };
        %item = (%item, ReminderKey => { S => reminder_key($armed, $sub) }, ReminderAt => { S => $armed },
                 DigestArmedAt => { S => $armed });
    }
    ddb_ok(PutItem => { TableName => TABLE(), Item => \%item });
    return $sub;
}


# Attributes of a user item set as they are (what the API has no field
# for yet): set_user($sub, 'NotificationPreferences.completedEmail' =>
# {BOOL => true}, QuietHours => {M => ...})
sub set_user {
    my ($sub, %set) = @_;
    my (@expr, %names, %values);
    my $i = 0;
    for my $path (sort keys %set) {
        my $p = join '.', map { $names{"#n$i$_"} = (split /\./, $path)[$_]; "#n$i$_" } 0 .. scalar(split /\./, $path) - 1;
        push @expr, "$p = :v$i";
        $values{":v$i"} = $set{$path};
        $i++;
    }
    ddb_ok(UpdateItem => { TableName => TABLE(),
        Key => { EntityPartition => { S => "USER_$sub" }, EntitySort => { S => "USER_$sub" } },
        UpdateExpression => 'SET ' . join(', ', @expr),
        ExpressionAttributeNames => \%names, ExpressionAttributeValues => \%values });
}


# The digest armed again (time, zone or switch changed), as the module
# does: ReminderAt = DigestArmedAt = at
sub arm_digest {
    my ($sub, $at, %set) = @_;
    my %v = (':k' => { S => reminder_key($at, $sub) }, ':at' => { S => $at });
    my $expr = 'SET ReminderKey = :k, ReminderAt = :at, DigestArmedAt = :at';
    if (defined $set{time}) {
        $expr .= ', Digest = :d';
        $v{':d'} = { M => { Enabled => { BOOL => $TRUE }, Time => { S => $set{time} } } };
    }
    if (defined $set{time_zone}) {
        $expr .= ', UserTimeZone = :z';
        $v{':z'} = { S => $set{time_zone} };
    }
    ddb_ok(UpdateItem => { TableName => TABLE(),
        Key => { EntityPartition => { S => "USER_$sub" }, EntitySort => { S => "USER_$sub" } },
        UpdateExpression => $expr, ExpressionAttributeValues => \%v });
}


# A task item as the tasks service writes it (POST /api/tasks) with its
# reminders: reminders => [{before => 'PT15M'} | {at => <RFC 3339>}, ...]
# (each pending, FireAt computed; state => 'sent' or 'cancelled' too);
# without them, a task with a due date gets one reminder at the time of
# writing (the next pass fires it).  ReminderKey/ReminderAt: the earliest
# pending one, unless the task is completed.
sub _task_item {
    my (%t) = @_;
    my $id = $t{id} // new_uuid();
    my $now = iso_ms(Time::HiRes::time());
    my $status = $t{status} // 'pending';
    my %item = (
        EntityPartition  => { S => "USER_$t{sub}" },
        EntitySort       => { S => "TASK_$id" },
        Title            => { S => $t{title} // "task $id" },
        Status           => { S => $status },
        NotificationSent => { BOOL => JSON::PP::false() },
        CreatedAt        => { S => $now },
        TaskUpdatedAt    => { S => $now },
        Version          => { N => '1' },
    );
    if (defined $t{due}) {
        $item{DueDate} = { S => $t{due} };
        $item{TaskDueSort} = { S => $t{due} };
    } else {
        $item{TaskDueSort} = { S => '~' };
    }
    my $rs = $t{reminders} // (defined $t{due} ? [{ at => iso(time) }] : []);
    my ($next, @l);
    for my $r (@$rs) {
        my $fire = defined $r->{at} ? iso(iso_epoch($r->{at}))
                 : iso(iso_epoch($t{due} // die "a relative reminder needs a due date\n") - duration_s($r->{before}));
        my $state = $r->{state} // 'pending';
        push @l, { M => {
            Id => { S => $r->{id} // join '', map { sprintf '%x', int rand 16 } 1 .. 12 },
            (defined $r->{at} ? (At => { S => $r->{at} }) : (Before => { S => $r->{before} })),
            FireAt => { S => $fire }, State => { S => $state } } };
        $next = $fire if $state eq 'pending' && (!defined $next || $fire lt $next);
    }
    $item{Reminders} = { L => \@l } if @l;
    if (defined $next && $status ne 'completed') {
        $item{ReminderKey} = { S => reminder_key($next, $id) };
        $item{ReminderAt} = { S => $next };
    }
    return ($id, \%item);
}

sub put_task {
    my (%t) = @_;
    my ($id, $item) = _task_item(%t);
    ddb_ok(PutItem => { TableName => TABLE(), Item => $item });
    return $id;
}


# many tasks, 25 a BatchWriteItem, unprocessed items sent again; returns
# the ids.  tasks: [{sub, due, title?}, ...]
sub put_tasks {
    my ($tasks, $progress) = @_;
    my (@ids, @batch);
    my $n = 0;
    my $flush = sub {
        my @req = map { { PutRequest => { Item => $_ } } } @batch;
        @batch = ();
        for (my $try = 0; @req; $try++) {
            die "BatchWriteItem: items left unprocessed after $try tries\n" if $try > 20;
            my $j = ddb_ok(BatchWriteItem => { RequestItems => { TABLE() => \@req } });
            @req = @{ $j->{UnprocessedItems}{ TABLE() } || [] };
            Time::HiRes::sleep(0.05 * $try) if @req;
        }
    };
    for my $t (@$tasks) {
        my ($id, $item) = _task_item(%$t);
        push @ids, $id;
        push @batch, $item;
        $flush->() if @batch == 25;
        $progress->(++$n) if $progress;
    }
    $flush->() if @batch;
    return @ids;
}


# a task's stored reminders: [{id, at | before, fireAt, state}, ...]
sub reminders_of {
    my ($sub, $id) = @_;
    return [ map { my $m = $_->{M};
                   { id => $m->{Id}{S}, fireAt => $m->{FireAt}{S}, state => $m->{State}{S},
                     (exists $m->{At} ? (at => $m->{At}{S}) : (before => $m->{Before}{S})) } }
             @{ (task_item($sub, $id) // {})->{Reminders}{L} || [] } ];
}


sub task_item {
    my ($sub, $id) = @_;
    my $j = ddb_ok(GetItem => {
        TableName      => TABLE(),
        Key            => { EntityPartition => { S => "USER_$sub" }, EntitySort => { S => "TASK_$id" } },
        ConsistentRead => $TRUE,
    });
    return $j->{Item};
}


# the user's notification items (all pages, read consistently), optionally
# of one task and/or type
sub notifs {
    my ($sub, %f) = @_;
    my (@items, $start);
    do {
        my $j = ddb_ok(Query => {
            TableName                 => TABLE(),
            KeyConditionExpression    => 'EntityPartition = :p AND begins_with(EntitySort, :n)',
            ExpressionAttributeValues => { ':p' => { S => "USER_$sub" }, ':n' => { S => 'NOTIF_' } },
            ConsistentRead            => $TRUE,
            ($start ? (ExclusiveStartKey => $start) : ()),
        });
        push @items, @{ $j->{Items} || [] };
        $start = $j->{LastEvaluatedKey};
    } while ($start);
    @items = grep { ($_->{TaskId}{S} // '') eq $f{task} } @items if defined $f{task};
    @items = grep { ($_->{Type}{S} // '') eq $f{type} } @items if defined $f{type};
    return @items;
}

sub notif_count { scalar notifs(@_) }


# maildev's REST API (3.0.0: /api/email)
sub mails {
    my (%f) = @_;
    my $res = $http->get(stack_env('TASKMGR_MAIL_URL') . '/api/email');
    die "maildev GET /api/email: $res->{status} $res->{content}\n" unless $res->{success};
    my @m = @{ $JSON->decode($res->{content}) };
    if (defined $f{to}) {
        @m = grep { grep { lc($_->{address}) eq lc $f{to} } @{ $_->{to} || [] } } @m;
    }
    return @m;
}

sub clear_mails {
    my $res = $http->request(DELETE => stack_env('TASKMGR_MAIL_URL') . '/api/email/all');
    die "maildev DELETE /api/email/all: $res->{status}\n" unless $res->{success};
}


# the SMS outbox file's lines, decoded, optionally to one number
sub sms_lines {
    my (%f) = @_;
    my $file = $f{file} // stack_env('TASKMGR_SMS_OUTBOX');
    my @l;
    if (open my $fh, '<', $file) {
        @l = map { $JSON->decode($_) } grep { /\S/ } <$fh>;
        close $fh;
    }
    @l = grep { $_->{to} eq $f{to} } @l if defined $f{to};
    return @l;
}


# The stack's rendered conf with some keys replaced (or added): a new file.
sub conf_with {
    my (%over) = @_;
    my $base = stack_env('TASKMGR_SCHEDULER_CONF');
    open my $in, '<', $base or die "$base: $!\n";
    my @out;
    while (my $l = <$in>) {
        if ($l =~ /^\s*(\w+)\s*=/ && exists $over{$1}) {
            my $k = $1;
            push @out, "$k = $over{$k}\n" if defined $over{$k};
            delete $over{$k};
            next;
        }
        push @out, $l;
    }
    close $in;
    push @out, map { "$_ = $over{$_}\n" } grep { defined $over{$_} } sort keys %over;
    my ($fh, $path) = File::Temp::tempfile('scheduler-XXXXXX', SUFFIX => '.conf',
        DIR => stack_env('TASKMGR_RUN_DIR'), UNLINK => 0);
    print $fh @out;
    close $fh;
    return $path;
}


sub _cmd {
    my (%o) = @_;
    my @cmd = (stack_env('TASKMGR_SCHEDULER_BIN'), '-c', $o{conf} // stack_env('TASKMGR_SCHEDULER_CONF'));
    push @cmd, '--once' if $o{once};
    push @cmd, '--now', $o{now} if defined $o{now};
    unshift @cmd, @{ $o{wrap} } if $o{wrap};
    return @cmd;
}


sub _parse_lines {
    my ($text) = @_;
    my @lines;
    for my $l (split /\n/, $text // '') {
        my $j = eval { $JSON->decode($l) };
        push @lines, $j if ref $j eq 'HASH';
    }
    return @lines;
}


# Runs one pass: {rc, lines => [log objects], err => stderr text}.
# opts: now, conf, wrap => [valgrind ...], timeout (s, default 120)
sub run_once {
    my (%o) = @_;
    my @cmd = _cmd(%o, once => 1);
    my $err_file = File::Temp->new;
    my $pid = fork // die "fork: $!\n";
    if (!$pid) {
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', '/dev/null';
        open STDERR, '>', $err_file->filename or die;
        exec @cmd or die "exec $cmd[0]: $!\n";
    }
    my $deadline = time + ($o{timeout} // 120);
    my $rc;
    for (;;) {
        my $w = waitpid $pid, POSIX::WNOHANG();
        if ($w == $pid) { $rc = $?; last }
        if (time > $deadline) {
            kill 'KILL', $pid;
            waitpid $pid, 0;
            $rc = -1;
            last;
        }
        Time::HiRes::sleep(0.02);
    }
    open my $fh, '<', $err_file->filename or die;
    my $err = do { local $/; <$fh> };
    close $fh;
    return {
        rc     => $rc == -1 ? -1 : ($rc & 127 ? 128 + ($rc & 127) : $rc >> 8),
        signal => $rc == -1 ? 'timeout' : ($rc & 127),
        err    => $err,
        lines  => [_parse_lines($err)],
        cmd    => "@cmd",
    };
}


# A daemon in the background: {pid, log}.  opts as run_once.
sub start_daemon {
    my (%o) = @_;
    my @cmd = _cmd(%o);
    my $log = File::Temp->new(DIR => stack_env('TASKMGR_RUN_DIR'), TEMPLATE => 'daemon-XXXXXX', SUFFIX => '.log', UNLINK => 0);
    my $pid = fork // die "fork: $!\n";
    if (!$pid) {
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', '/dev/null';
        open STDERR, '>', $log->filename or die;
        exec @cmd or die "exec $cmd[0]: $!\n";
    }
    return { pid => $pid, log => $log->filename };
}


sub daemon_lines {
    my ($d) = @_;
    open my $fh, '<', $d->{log} or return ();
    my $text = do { local $/; <$fh> };
    close $fh;
    return _parse_lines($text);
}


# signal it and wait (at most $wait s); returns its exit status or undef
sub stop_daemon {
    my ($d, $sig, $wait) = @_;
    kill $sig // 'TERM', $d->{pid};
    my $deadline = Time::HiRes::time() + ($wait // 30);
    while (Time::HiRes::time() < $deadline) {
        my $w = waitpid $d->{pid}, POSIX::WNOHANG();
        return $? if $w == $d->{pid};
        Time::HiRes::sleep(0.05);
    }
    kill 'KILL', $d->{pid};
    waitpid $d->{pid}, 0;
    return undef;
}


# a loopback port nothing listens on (bound, then let go)
sub free_port {
    require IO::Socket::INET;
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 1, ReuseAddr => 1)
        or die "bind: $!\n";
    my $p = $s->sockport;
    close $s;
    return $p;
}


# A TCP forwarder 127.0.0.1:$listen -> 127.0.0.1:$target in a child
# process (a connection per grandchild): "DynamoDB" that a test can take
# away and bring back.  Returns its pid; stop_pid() ends it.
sub start_proxy {
    my ($listen, $target) = @_;
    require IO::Socket::INET;
    require IO::Select;
    my $srv = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $listen, Listen => 64, ReuseAddr => 1)
        or die "proxy: bind $listen: $!\n";
    my $pid = fork // die "fork: $!\n";
    if ($pid) {
        close $srv;
        return $pid;
    }
    $SIG{TERM} = sub { kill 'TERM', -$$; POSIX::_exit(0) };
    POSIX::setpgid(0, 0);
    $SIG{CHLD} = 'IGNORE';
    my $deadline = time + 600;              # bounded, whatever happens
    while (time < $deadline) {
        my $c = $srv->accept or next;
        my $k = fork;
        if (defined $k && $k == 0) {
            $SIG{TERM} = 'DEFAULT';
            my $up = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $target) or POSIX::_exit(0);
            my $sel = IO::Select->new($c, $up);
            OUTER: while (my @r = $sel->can_read(30)) {
                for my $h (@r) {
                    my $n = sysread $h, my $buf, 65536;
                    last OUTER unless $n;
                    my $o = $h == $c ? $up : $c;
                    my $off = 0;
                    while ($off < $n) {
                        my $w = syswrite $o, $buf, $n - $off, $off;
                        last OUTER unless $w;
                        $off += $w;
                    }
                }
            }
            POSIX::_exit(0);
        }
        close $c;
    }
    POSIX::_exit(0);
}


sub stop_pid {
    my ($pid) = @_;
    kill 'TERM', $pid;
    waitpid $pid, 0;
}


# A stack of this file's own (scripts/stack.sh: the stand-ins only, on free
# ports, no nginx, no scheduler daemon) in a temporary directory: its mail
# and SMS are the file's alone.  The TASKMGR_* environment then points at
# it (the scheduler binary stays the suite's); it stops when the returned
# object goes (keep it until the end).  Dies if it does not start.
sub private_stack {
    require File::Temp;
    my $repo = File::Spec->rel2abs(__FILE__) =~ s{/tests/lib/[^/]+$}{}r;
    my $tmp = File::Temp->newdir('taskmgr-private.XXXXXX', TMPDIR => 1);
    my %env = (DATA_DIR => "$tmp/data", STACK_FREE_PORTS => 1,
               STACK_NO_NGINX => 1, STACK_NO_SCHEDULER => 1);
    my $cmd = sub {
        local @ENV{ keys %env } = values %env;
        my $out = `'$repo/scripts/stack.sh' $_[0] 2>&1`;
        return ($? == 0, $out);
    };
    my $stack = TaskmgrScheduler::Stack->new($cmd, $tmp);
    my ($ok, $out) = $cmd->('start');
    die "private stack: $out\n" unless $ok;
    my $bin = $ENV{TASKMGR_SCHEDULER_BIN};
    open my $fh, '<', "$tmp/data/run/stack.env" or die "stack.env: $!\n";
    while (<$fh>) {
        $ENV{$1} = $2 =~ s/^'(.*)'$/$1/r if /^export (TASKMGR_\w+)=(.*)$/;
    }
    close $fh;
    $ENV{TASKMGR_SCHEDULER_BIN} = $bin if defined $bin;
    return $stack;
}


# Registers through the API (a 429 from the limiter is waited out) and sets
# the preferences (and whatever else of the profile patch => {...} holds):
# {token, sub, email, phone}
sub register_with_prefs {
    my (%o) = @_;
    my $email = unique_email($o{tag} // 'sched');
    my $r;
    for my $try (1 .. 6) {
        $r = api(POST => '/api/users/register', {
            email => $email, password => strong_password(),
            firstName => $o{first_name} // 'Ada', lastName => 'Lovelace',
        });
        last unless $r->{status} == 429;
        Time::HiRes::sleep(1.5);
    }
    die "register: $r->{status} $r->{raw}\n" unless $r->{status} == 201;
    my $token = $r->{json}{accessToken};
    my $sub = $r->{json}{user}{id};
    my %patch = (notificationPreferences => {
        email => $o{email} ? $TRUE : JSON::PP::false(),
        sms   => $o{sms}   ? $TRUE : JSON::PP::false(),
    });
    $patch{phoneNumber} = $o{phone} if defined $o{phone};
    $patch{timeZone} = $o{time_zone} if defined $o{time_zone};
    for my $k (keys %{ $o{patch} || {} }) {
        if (ref $patch{$k} eq 'HASH') {
            $patch{$k} = { %{ $patch{$k} }, %{ $o{patch}{$k} } };
        } else {
            $patch{$k} = $o{patch}{$k};
        }
    }
    $r = api(PATCH => '/api/users/me', \%patch, { bearer => $token });
    die "PATCH /api/users/me: $r->{status} $r->{raw}\n" unless $r->{status} == 200;
    # the number verified, as POST /api/users/me/phone/confirm leaves it
    # (users_phone.t and sms_verified.t go through the codes), unless
    # phone_verified => 0
    set_user($sub, PhoneVerified => { BOOL => $TRUE })
        if defined $o{phone} && ($o{phone_verified} // 1);
    return { token => $token, sub => $sub, email => $email, phone => $o{phone} };
}



package TaskmgrScheduler::Stack;

# private_stack()'s guard: stops the stack, then its directory goes

sub new {
    my ($class, $cmd, $tmp) = @_;
    return bless { cmd => $cmd, tmp => $tmp, pid => $$ }, $class;
}

sub DESTROY {
    my ($self) = @_;
    return unless $self->{pid} == $$;       # not in a forked child
    local $?;
    my ($ok, $out) = $self->{cmd}->('stop');
    print STDERR $out unless $ok;
}

1;
