# WebDriver.pm: a real browser for the TAP tests, driven through
# chromedriver's W3C WebDriver HTTP API with core Perl only (HTTP::Tiny,
# JSON::PP).  Debian's chromium and chromium-driver are declared
# dependencies (tools/install-deps.sh): when either is missing, start()
# dies, and the test fails rather than skips.
#
#   my $wd = WebDriver->start(dir => $tempdir, log => $logfile);
#   $wd->new_session;                    # headless chromium, 1280x900
#   $wd->navigate($url);
#   my $e = $wd->wait_for('#results tbody tr', 10);
#   $wd->text($e); $wd->attribute($e, 'data-count'); $wd->click($e);
#   $wd->send_keys($wd->find('#q'), 'www.example.com');
#   $wd->execute('return document.title');
#   $wd->screenshot("$dir/page.png");
#   $wd->new_tab; $wd->back; $wd->forward; $wd->url;
#   $wd->quit;                           # also at exit
#
# Elements are the W3C element references chromedriver hands out (opaque
# hashes); they may be passed to execute() as arguments and come back from
# it as well.  Every command that fails dies with the driver's message.
package WebDriver;

use strict;
use warnings;

use Carp;
use File::Spec;
use HTTP::Tiny;
use IPC::Run;
use JSON::PP;
use MIME::Base64 qw(decode_base64);
use PostgreSQL::Test::Cluster;
use Time::HiRes qw(usleep time);

# The W3C web element identifier.
our $ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

my @live;    # drivers to stop at exit

# The first executable of these names on PATH or in /usr/bin.
sub _which
{
	my (@names) = @_;
	for my $name (@names)
	{
		for my $d (split(/:/, $ENV{PATH} // ''), '/usr/bin', '/usr/lib/chromium')
		{
			return "$d/$name" if -x "$d/$name" && !-d "$d/$name";
		}
	}
	return undef;
}

# Start chromedriver on a free port.  Options: dir (a scratch directory,
# required: the browser's profile and home), log (chromedriver's log file).
sub start
{
	my ($class, %o) = @_;
	my $driver = _which('chromedriver')
	  or croak 'chromedriver is not installed (chromium-driver; tools/install-deps.sh)';
	my $browser = _which('chromium', 'chromium-browser')
	  or croak 'chromium is not installed (tools/install-deps.sh)';
	croak 'WebDriver->start needs dir' unless defined $o{dir};
	my $port = PostgreSQL::Test::Cluster::get_free_port();
	my $home = "$o{dir}/browser-home";
	mkdir $home;
	my $log = $o{log} // File::Spec->devnull;
	my $proc;
	{
		# the browser inherits chromedriver's environment: a home of its
		# own, no display, no session bus
		local $ENV{HOME} = $home;
		local $ENV{XDG_CONFIG_HOME} = "$home/.config";
		local $ENV{XDG_CACHE_HOME} = "$home/.cache";
		delete local $ENV{DISPLAY};
		delete local $ENV{DBUS_SESSION_BUS_ADDRESS};
		$proc = IPC::Run::start([ $driver, "--port=$port", "--log-path=$log" ],
			'<', \undef, '>', File::Spec->devnull, '2>', File::Spec->devnull);
	}
	my $self = bless {
		proc => $proc,
		base => "http://127.0.0.1:$port",
		browser => $browser,
		dir => $o{dir},
		http => HTTP::Tiny->new(timeout => 60),
		json => JSON::PP->new->utf8->canonical->allow_nonref,
	}, $class;
	push @live, $self;
	my $ready;
	for (1 .. 200)
	{
		my $r = $self->{http}->get("$self->{base}/status");
		if ($r->{success})
		{
			$ready = eval { $self->{json}->decode($r->{content})->{value}{ready} };
			last if $ready;
		}
		croak 'chromedriver exited at start' unless $proc->pumpable;
		usleep(50_000);
	}
	croak "chromedriver is not ready on port $port" unless $ready;
	return $self;
}

# One WebDriver command; returns its "value".
sub _cmd
{
	my ($self, $method, $path, $body) = @_;
	my $url = $self->{base} . $path;
	my %opt = (headers => { 'Content-Type' => 'application/json; charset=utf-8' });
	$opt{content} = $self->{json}->encode($body // {}) if $method eq 'POST';
	my $r = $self->{http}->request($method, $url, \%opt);
	my $v = eval { $self->{json}->decode($r->{content}) };
	if (!$r->{success})
	{
		my $e = ref $v eq 'HASH' && ref $v->{value} eq 'HASH' ? $v->{value} : {};
		my $msg = $e->{message} // $r->{content};
		$msg =~ s/\n.*//s;
		croak "WebDriver $method $path: " . ($e->{error} // $r->{status}) . ": $msg";
	}
	return ref $v eq 'HASH' ? $v->{value} : undef;
}

sub _s { my ($self) = @_; croak 'no WebDriver session' unless $self->{session}; return "/session/$self->{session}" }

sub _eid
{
	my ($e) = @_;
	croak 'not an element' unless ref $e eq 'HASH' && defined $e->{$ELEMENT};
	return $e->{$ELEMENT};
}

# A headless chromium session.  Options: args (more browser arguments),
# width, height (the window, default 1280x900).
sub new_session
{
	my ($self, %o) = @_;
	my $w = $o{width} // 1280;
	my $h = $o{height} // 900;
	my $profile = "$self->{dir}/browser-profile-" . (++$self->{sessions});
	my $v = $self->_cmd('POST', '/session', {
		capabilities => {
			alwaysMatch => {
				browserName => 'chrome',
				'goog:loggingPrefs' => { browser => 'ALL' },
				'goog:chromeOptions' => {
					binary => $self->{browser},
					args => [
						'--headless=new', '--no-sandbox', '--disable-gpu',
						"--window-size=$w,$h", "--user-data-dir=$profile",
						'--no-first-run', '--no-default-browser-check',
						'--disable-extensions', '--disable-background-networking',
						'--disable-sync', '--disable-component-update',
						'--disable-dev-shm-usage', '--force-device-scale-factor=1',
						'--lang=en-US', @{ $o{args} // [] }
					],
				},
			}
		}
	});
	$self->{session} = $v->{sessionId} or croak 'no session id from chromedriver';
	return $self->{session};
}

sub navigate { my ($self, $url) = @_; $self->_cmd('POST', $self->_s . '/url', { url => $url }); return }
sub url { my ($self) = @_; return $self->_cmd('GET', $self->_s . '/url') }
sub title { my ($self) = @_; return $self->_cmd('GET', $self->_s . '/title') }
sub back { my ($self) = @_; $self->_cmd('POST', $self->_s . '/back', {}); return }
sub forward { my ($self) = @_; $self->_cmd('POST', $self->_s . '/forward', {}); return }
sub refresh { my ($self) = @_; $self->_cmd('POST', $self->_s . '/refresh', {}); return }

# A new tab (its own sessionStorage), made current; returns its handle.
sub new_tab
{
	my ($self) = @_;
	my $v = $self->_cmd('POST', $self->_s . '/window/new', { type => 'tab' });
	$self->switch_to($v->{handle});
	return $v->{handle};
}

sub window_handle { my ($self) = @_; return $self->_cmd('GET', $self->_s . '/window') }

sub switch_to
{
	my ($self, $handle) = @_;
	$self->_cmd('POST', $self->_s . '/window', { handle => $handle });
	return;
}

# Close the current tab (then switch_to another).
sub close_tab { my ($self) = @_; $self->_cmd('DELETE', $self->_s . '/window'); return }

sub set_window_size
{
	my ($self, $w, $h) = @_;
	$self->_cmd('POST', $self->_s . '/window/rect', { width => $w, height => $h });
	return;
}

# The first element matching a CSS selector (under $from if given), or undef.
sub find
{
	my ($self, $css, $from) = @_;
	my $all = $self->find_all($css, $from);
	return $all->[0];
}

# Every element matching a CSS selector (under $from if given).
sub find_all
{
	my ($self, $css, $from) = @_;
	my $path = $self->_s . ($from ? '/element/' . _eid($from) : '') . '/elements';
	return $self->_cmd('POST', $path, { using => 'css selector', value => $css });
}

sub text { my ($self, $e) = @_; return $self->_cmd('GET', $self->_s . '/element/' . _eid($e) . '/text') }

sub attribute
{
	my ($self, $e, $name) = @_;
	return $self->_cmd('GET', $self->_s . '/element/' . _eid($e) . "/attribute/$name");
}

sub property
{
	my ($self, $e, $name) = @_;
	return $self->_cmd('GET', $self->_s . '/element/' . _eid($e) . "/property/$name");
}

sub displayed
{
	my ($self, $e) = @_;
	return $self->_cmd('GET', $self->_s . '/element/' . _eid($e) . '/displayed') ? 1 : 0;
}

sub click { my ($self, $e) = @_; $self->_cmd('POST', $self->_s . '/element/' . _eid($e) . '/click', {}); return }
sub clear { my ($self, $e) = @_; $self->_cmd('POST', $self->_s . '/element/' . _eid($e) . '/clear', {}); return }

sub send_keys
{
	my ($self, $e, $text) = @_;
	$self->_cmd('POST', $self->_s . '/element/' . _eid($e) . '/value', { text => $text });
	return;
}

# Run a script in the page (a function body; its arguments in @args).
sub execute
{
	my ($self, $script, @args) = @_;
	return $self->_cmd('POST', $self->_s . '/execute/sync', { script => $script, args => \@args });
}

# An asynchronous script: it calls arguments[arguments.length - 1](value).
sub execute_async
{
	my ($self, $script, @args) = @_;
	return $self->_cmd('POST', $self->_s . '/execute/async', { script => $script, args => \@args });
}

# The browser console's entries since the last call: [{level, message}].
sub console_log
{
	my ($self) = @_;
	return $self->_cmd('POST', $self->_s . '/se/log', { type => 'browser' }) // [];
}

# A PNG of the viewport (or of one element) into a file; returns the file.
sub screenshot
{
	my ($self, $file, $e) = @_;
	my $path = $self->_s . ($e ? '/element/' . _eid($e) : '') . '/screenshot';
	my $png = decode_base64($self->_cmd('GET', $path));
	open(my $f, '>:raw', $file) or croak "$file: $!";
	print $f $png;
	close $f or croak "$file: $!";
	return $file;
}

# Wait until $cond returns true (retried every 50 ms, errors count as
# false); returns its value, or undef after $timeout seconds.
sub wait_until
{
	my ($self, $cond, $timeout) = @_;
	my $end = time + ($timeout // 10);
	while (1)
	{
		my $v = eval { $cond->() };
		return $v if $v;
		return undef if time > $end;
		usleep(50_000);
	}
}

# The first displayed element matching $css, waiting up to $timeout
# seconds (default 10); undef if none appeared.
sub wait_for
{
	my ($self, $css, $timeout) = @_;
	return $self->wait_until(
		sub {
			for my $e (@{ $self->find_all($css) })
			{
				return $e if $self->displayed($e);
			}
			return undef;
		},
		$timeout);
}

sub quit
{
	my ($self) = @_;
	if ($self->{session})
	{
		eval { $self->_cmd('DELETE', $self->_s) };
		delete $self->{session};
	}
	if ($self->{proc})
	{
		eval { $self->{proc}->kill_kill(grace => 2) };
		delete $self->{proc};
	}
	return;
}

END { $_->quit for @live; @live = (); }

1;
