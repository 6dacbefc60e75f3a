#!/usr/bin/perl
# make run keeps an existing local table in step with
# conf/dynamodb-table.json: a table made before an index existed (here:
# without PriorityIndex) is made anew with all its items, what the new
# index needs filled in (TaskPrioritySort); run again, it is kept as it is;
# a migration cut short after its copy was written is finished by the next
# run.  On a table of its own in the suite's dynalite
# (scripts/bootstrap.mjs with BOOTSTRAP_TABLE, BOOTSTRAP_TABLE_ONLY=1).
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp ();
use JSON::PP ();
use TaskmgrStack qw(:all);

my $repo = "$FindBin::Bin/../..";
my $TABLE = "Migration$$";
my $tmp = File::Temp->newdir('taskmgr-migration.XXXXXX', TMPDIR => 1);
my $JSON = JSON::PP->new->utf8->canonical;

sub slurp { my ($f) = @_; open my $fh, '<', $f or die "$f: $!"; local $/; return scalar <$fh> }

sub ddb {
    my $r = dynamodb(@_);
    die "$_[0]: $r->{status} $r->{raw}\n" unless $r->{status} == 200;
    return $r->{json};
}

sub bootstrap {
    local $ENV{BOOTSTRAP_TABLE} = $TABLE;
    local $ENV{BOOTSTRAP_TABLE_ONLY} = '1';
    local $ENV{DDB_PORT} = stack_env('TASKMGR_DDB_PORT');
    local $ENV{DATA_DIR} = "$tmp";
    my $out = `node $repo/scripts/bootstrap.mjs 2>&1`;
    return ($? >> 8, $out);
}

sub indexes {
    my ($t) = @_;
    return join ' ', sort map { $_->{IndexName} }
        @{ $t->{GlobalSecondaryIndexes} || [] }, @{ $t->{LocalSecondaryIndexes} || [] };
}

sub items { sort { $a->{EntitySort}{S} cmp $b->{EntitySort}{S} } @{ ddb(Scan => { TableName => $TABLE })->{Items} } }

my $def = $JSON->decode(slurp("$repo/conf/dynamodb-table.json"));
my $want = indexes($def);
like $want, qr/PriorityIndex/, 'the definition has PriorityIndex';

# the table as it was before PriorityIndex
my %old = %$def;
$old{TableName} = $TABLE;
$old{GlobalSecondaryIndexes} = [grep { $_->{IndexName} ne 'PriorityIndex' } @{ $def->{GlobalSecondaryIndexes} }];
$old{AttributeDefinitions} = [grep { $_->{AttributeName} ne 'TaskPrioritySort' } @{ $def->{AttributeDefinitions} }];
ddb(CreateTable => \%old);
END { dynamodb(DeleteTable => { TableName => $TABLE }) }
for (1 .. 100) { last if ddb(DescribeTable => { TableName => $TABLE })->{Table}{TableStatus} eq 'ACTIVE'; select undef, undef, undef, 0.1 }

my $pk = 'USER_00000000-0000-4000-8000-00000000m1gr';
my @tasks = (['a', 1, '2026-12-05T10:00:00Z'], ['b', undef, '~'], ['c', 2, '2026-12-01T10:00:00Z']);
for my $t (@tasks) {
    ddb(PutItem => { TableName => $TABLE, Item => {
        EntityPartition => { S => $pk }, EntitySort => { S => "TASK_$t->[0]" }, Title => { S => $t->[0] },
        Status => { S => 'pending' }, TaskDueSort => { S => $t->[2] },
        TaskUpdatedAt => { S => '2026-11-30T08:00:00.000Z' }, Version => { N => '1' },
        (defined $t->[1] ? (Priority => { N => "$t->[1]" }) : ()) } });
}
ddb(PutItem => { TableName => $TABLE, Item => { EntityPartition => { S => $pk }, EntitySort => { S => $pk },
                                                Email => { S => 'm@example.com' } } });
ddb(PutItem => { TableName => $TABLE, Item => { EntityPartition => { S => $pk }, EntitySort => { S => 'NOTIF_x' },
                                                NotificationTimestamp => { S => '2026-11-30T08:00:00.000Z' } } });
my @before = items();
is scalar(@before), 5, 'a table of the old shape with five items';

# ---- migrated
my ($rc, $out) = bootstrap();
is $rc, 0, 'bootstrap: exit 0' or diag $out;
like $out, qr/to add: PriorityIndex:EntityPartition\/TaskPrioritySort.*made anew, items kept/, 'it says what it does';
like $out, qr/5 items copied/, 'and how many items it copied';
is indexes(ddb(DescribeTable => { TableName => $TABLE })->{Table}), $want, 'the indexes of the definition';
my @after = items();
is_deeply [map { $_->{EntitySort}{S} } @after], [map { $_->{EntitySort}{S} } @before], 'every item kept';
my %ps = map { $_->{EntitySort}{S} => $_->{TaskPrioritySort}{S} } @after;
is_deeply [@ps{qw(TASK_a TASK_b TASK_c)}],
    ['1#2026-12-05T10:00:00Z#2026-11-30T08:00:00.000Z', '4#~#2026-11-30T08:00:00.000Z',
     '2#2026-12-01T10:00:00Z#2026-11-30T08:00:00.000Z'], 'tasks filled in for PriorityIndex (no priority: 4)';
ok !defined $ps{$pk} && !defined $ps{NOTIF_x}, 'other items untouched';
my $q = ddb(Query => { TableName => $TABLE, IndexName => 'PriorityIndex',
                       KeyConditionExpression => 'EntityPartition = :p',
                       ExpressionAttributeValues => { ':p' => { S => $pk } } });
is join(' ', map { $_->{Title}{S} } @{ $q->{Items} }), 'a c b', 'PriorityIndex answers in priority order';
ok !-e "$tmp/table-$TABLE.migrating.jsonl", 'the copy is removed';

# ---- run again: kept
($rc, $out) = bootstrap();
is $rc, 0, 'again: exit 0' or diag $out;
like $out, qr/table $TABLE exists, kept/, 'the table is kept';
unlike $out, qr/made anew/, 'not made anew';

# ---- cut short after the copy: finished by the next run
{
    my @copy = items();
    open my $fh, '>', "$tmp/table-$TABLE.migrating.jsonl" or die $!;
    print $fh map { $JSON->encode($_) . "\n" } @copy[0, 1];
    close $fh;
    ddb(DeleteTable => { TableName => $TABLE });
    ($rc, $out) = bootstrap();
    is $rc, 0, 'cut short: exit 0' or diag $out;
    like $out, qr/cut short; carrying on/, 'it says so';
    is_deeply [map { $_->{EntitySort}{S} } items()], [map { $_->{EntitySort}{S} } @copy[0, 1]],
        'the copied items are in the new table';
    ok !-e "$tmp/table-$TABLE.migrating.jsonl", 'the copy is removed';
}

done_testing;
