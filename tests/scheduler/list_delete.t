#!/usr/bin/perl
# List deletions cut short: a list marked ListDeleting by DELETE
# /api/lists/{id}?tasks=move|delete, whose request died before its tasks
# were all moved or deleted, carries an outbox marker due at the end of
# the request's lease.  The scheduler's drain then finishes it: the tasks
# still in the list moved to the inbox (or deleted), the list and its name
# claim deleted, once; before the lease ends it is left to the request.
use strict;
use warnings;
use Test::More;
use TaskmgrStack qw(:all);
use TaskmgrScheduler qw(:all);

my $TABLE = stack_env('TASKMGR_TABLE');

sub put {
    my ($item) = @_;
    ddb_ok(PutItem => { TableName => $TABLE, Item => $item });
}

# a user, a marked list with its claim, N tasks in it and one elsewhere
sub cut_deletion {
    my (%o) = @_;
    my $sub = put_user();
    my $pk = "USER_$sub";
    my $list = new_uuid();
    my $key = 'LISTNAME_' . lc $o{name};
    put({ EntityPartition => { S => $pk }, EntitySort => { S => "LIST_$list" },
          ListName => { S => $o{name} }, ListNameKey => { S => $key }, Color => { S => '#6b7280' },
          Position => { N => '1' }, CreatedAt => { S => iso_ms(time - 600) },
          UpdatedAt => { S => iso_ms(time - 600) }, Version => { N => '1' },
          ListDeleting => { S => $o{mode} },
          OutboxShard => { S => outbox_shard($list) }, OutboxAt => { S => iso_ms(time + $o{lease}) } });
    put({ EntityPartition => { S => $pk }, EntitySort => { S => $key },
          ListId => { S => $list }, ClaimedAt => { S => iso_ms(time - 600) } });
    my @tasks;
    for my $i (1 .. $o{tasks} + 1) {
        my $id = new_uuid();
        put({ EntityPartition => { S => $pk }, EntitySort => { S => "TASK_$id" },
              Title => { S => "task $i" }, Status => { S => 'pending' },
              NotificationSent => { BOOL => JSON::PP::false() }, CreatedAt => { S => iso_ms(time) },
              TaskUpdatedAt => { S => iso_ms(time) }, Version => { N => '1' }, TaskDueSort => { S => '~' },
              ListId => { S => $i <= $o{tasks} ? $list : 'inbox' } });
        push @tasks, $id;
    }
    return { sub => $sub, pk => $pk, list => $list, key => $key, tasks => \@tasks };
}

sub get {
    my ($pk, $sk) = @_;
    return ddb_ok(GetItem => { TableName => $TABLE, ConsistentRead => JSON::PP::true(),
                               Key => { EntityPartition => { S => $pk }, EntitySort => { S => $sk } } })->{Item};
}

sub finished { grep { $_->{event} eq 'list_deletion_finished' && $_->{list} eq $_[1] } @{ $_[0]{lines} } }

subtest 'move: the tasks go to the inbox' => sub {
    my $d = cut_deletion(name => 'Garage', mode => 'move', tasks => 3, lease => -5);
    my $r = run_once();
    is $r->{rc}, 0, 'a pass: exit 0' or diag $r->{err};
    my ($log) = finished($r, $d->{list});
    ok $log, 'logged: list_deletion_finished' or diag $r->{err};
    is $log->{tasks}, 3, 'three tasks moved' if $log;
    for my $i (0 .. 2) {
        my $t = get($d->{pk}, "TASK_$d->{tasks}[$i]");
        is_deeply [$t->{ListId}{S}, $t->{Version}{N}], ['inbox', 2], "task $i: in the inbox, version 2";
    }
    is get($d->{pk}, "TASK_$d->{tasks}[3]")->{Version}{N}, 1, 'a task of another list untouched';
    ok !get($d->{pk}, "LIST_$d->{list}"), 'the list is deleted';
    ok !get($d->{pk}, $d->{key}), 'and its name claim';
    $r = run_once(now => iso(time + 120));
    ok !finished($r, $d->{list}), 'a later pass has nothing more to do';
};

subtest 'delete: the tasks are deleted' => sub {
    my $d = cut_deletion(name => 'Attic', mode => 'delete', tasks => 2, lease => -5);
    my $r = run_once();
    is $r->{rc}, 0, 'a pass: exit 0' or diag $r->{err};
    ok !get($d->{pk}, "TASK_$d->{tasks}[$_]"), "task $_ deleted" for 0 .. 1;
    ok get($d->{pk}, "TASK_$d->{tasks}[2]"), 'a task of another list kept';
    ok !get($d->{pk}, "LIST_$d->{list}"), 'the list is deleted';
};

subtest 'within the lease it is the request\'s' => sub {
    my $d = cut_deletion(name => 'Loft', mode => 'move', tasks => 1, lease => 300);
    my $r = run_once();
    ok !finished($r, $d->{list}), 'not finished before the lease ends';
    is get($d->{pk}, "TASK_$d->{tasks}[0]")->{ListId}{S}, $d->{list}, 'its task still in it';
    $r = run_once(now => iso(time + 400));
    ok finished($r, $d->{list}), 'finished after it';
    is get($d->{pk}, "TASK_$d->{tasks}[0]")->{ListId}{S}, 'inbox', 'its task moved';
};

done_testing;
