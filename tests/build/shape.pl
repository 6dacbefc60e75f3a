#!/usr/bin/env perl
# The module's shape, checked on the built objects and the sources:
#   - no cycle between the module's files: who calls whom is read from the
#     objects' symbols (nm), the ngx_module_t every file names aside;
#   - C lines of at most 80 columns in the module, common/ and scheduler/.
# usage: tests/build/shape.pl <objs dir>      exits 1 on a finding
use strict;
use warnings;

my $objs = shift or die "usage: $0 <objs dir>\n";
my @o = glob("$objs/addon/ngx_taskmgr_module/*.o");
die "shape: no objects in $objs/addon/ngx_taskmgr_module (make module)\n" unless @o;

my (%def, %uses);
for my $o (@o) {
    (my $f = $o) =~ s{.*/ngx_taskmgr_(\w+)\.o$}{$1};
    for (`nm $o`) {
        if (/^\S+ [TDRB] (ngx_taskmgr_\w+)$/)  { $def{$1} = $f }
        elsif (/^\s+U (ngx_taskmgr_\w+)$/ && $1 ne 'ngx_taskmgr_module') { $uses{$f}{$1} = 1 }
    }
}

my %g;
for my $f (keys %uses) {
    for my $s (keys %{ $uses{$f} }) {
        my $d = $def{$s};
        $g{$f}{$d} = 1 if defined $d && $d ne $f;
    }
}

# a file on a cycle reaches itself
my $rc = 0;
for my $start (sort keys %g) {
    my (%seen, @path);
    my @todo = map { [$_, [$start, $_]] } sort keys %{ $g{$start} };
    while (my $n = shift @todo) {
        my ($f, $p) = @$n;
        if ($f eq $start) {
            print STDERR "shape: a cycle between the module's files: @{$p}\n";
            $rc = 1;
            last;
        }
        next if $seen{$f}++;
        push @todo, map { [$_, [@$p, $_]] } sort keys %{ $g{$f} || {} };
    }
}
print "ok: no cycle between the module's ", scalar(@o), " files\n" unless $rc;

my $long = 0;
for my $src (glob('ngx_taskmgr_module/*.[ch] common/*.[ch] scheduler/*.[ch]')) {
    open my $fh, '<', $src or die "$src: $!\n";
    while (<$fh>) {
        chomp;
        if (length > 80) {
            print STDERR "shape: $src:$.: ", length, " columns\n";
            $long++;
        }
    }
}
print "ok: C lines within 80 columns\n" unless $long;

exit($rc || $long ? 1 : 0);
