#!/usr/bin/perl
# q=: every word must match the start of a word of the title, the
# description or the labels, case and accents ignored; combined with the
# other filters and paged; kept up to date by PATCH; bad q refused; never
# another user's tasks.
use strict;
use warnings;
use utf8;
use Encode ();
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiCalls qw(:all);

my $A = new_user('search-a');
my $B = new_user('search-b');

my %id;
for my $t (['Quarterly Report', 'figures for Q4', ['Work']],
           ['Café with Ana', 'the naïve plan', ['Friends']],
           ['Pay rent', 'before the 5th', ['Home', 'Bills']],
           ['Call the plumber', 'leaking tap; reported twice', []],
           ['Straßenfest', '', ['Summer']]) {
    my $r = as($A, POST => '/api/tasks', { title => $t->[0], description => $t->[1], labels => $t->[2] });
    is $r->{status}, 201, "created: $t->[0]" or diag $r->{raw};
    $id{ $t->[0] } = $r->{json}{task}{id};
}
as($B, POST => '/api/tasks', { title => 'Report of B', labels => ['Work'] });

sub found {
    my ($u, $q) = @_;
    my (@t, $cursor);
    do {
        my $r = as($u, GET => "/api/tasks?$q" . ($cursor ? '&cursor=' . uri_escape($cursor) : ''));
        return "status $r->{status}: $r->{raw}" if $r->{status} != 200;
        push @t, map { $_->{title} } @{ $r->{json}{items} };
        $cursor = $r->{json}{nextCursor};
    } while ($cursor);
    return join ' | ', sort @t;
}
sub qs { 'q=' . uri_escape(Encode::encode_utf8($_[0])) }

is found($A, qs('rep')), 'Call the plumber | Quarterly Report', '"rep" finds Report and "reported" in a description';
is found($A, qs('REPORT')), 'Call the plumber | Quarterly Report', 'case ignored';
is found($A, qs('ort')), '', 'the start of a word only';
is found($A, qs('cafe')), 'Café with Ana', '"cafe" finds Café';
is found($A, qs('CAFÉ')), 'Café with Ana', '"CAFÉ" too';
is found($A, qs('naive')), 'Café with Ana', 'in the description, accents ignored';
is found($A, qs('strasse')), 'Straßenfest', 'ß folds to ss';
is found($A, qs('bills')), 'Pay rent', 'in the labels';
is found($A, qs('pay rent')), 'Pay rent', 'two words, both matching';
is found($A, qs('pay plumber')), '', 'two words, one of them not matching';
is found($A, qs('q4 work')), 'Quarterly Report', 'words from the description and the labels';
is found($A, qs('  rep,  ')), 'Call the plumber | Quarterly Report', 'punctuation and spaces around words ignored';
is found($A, qs('rep') . '&label=work'), 'Quarterly Report', 'with label=';
is found($A, qs('rep') . '&limit=1&sort=due'), 'Call the plumber | Quarterly Report', 'paged one by one';
is found($B, qs('rep')), 'Report of B', "B finds B's tasks only";
is found($A, qs('of')), '', "A never finds B's";

# kept up to date
{
    as($A, PATCH => "/api/tasks/$id{'Pay rent'}", { title => 'Pay the landlord' });
    is found($A, qs('landlord')), 'Pay the landlord', 'a new title is searchable';
    is found($A, qs('rent')), '', 'the old one is not';
    is found($A, qs('bills 5th')), 'Pay the landlord', 'the description and labels kept';
    as($A, PATCH => "/api/tasks/$id{'Pay rent'}", { labels => ['Money'] });
    is found($A, qs('bills')), '', 'labels replaced: the old ones are gone';
    is found($A, qs('money')), 'Pay the landlord', 'the new ones searchable';
    as($A, PATCH => "/api/tasks/$id{'Pay rent'}", { description => undef });
    is found($A, qs('5th')), '', 'a description cleared';
}

# bad q
for my $case (['q=', 'empty'], [qs(' , ! '), 'no word'], [qs('x' x 101), '101 characters'],
              [qs(join ' ', 'a' .. 'k'), 'eleven words'], ['q=a&q=b', 'twice']) {
    error_ok(as($A, GET => "/api/tasks?$case->[0]"), 400, 'invalid_parameter', 'q', "q $case->[1]: 400 (q)");
}
is found($A, qs('x' x 100)), '', '100 characters are accepted';

done_testing;
